namespace Fast.Native;

/// <summary>The export exists in the ABI but the feature behind it is not part of this build.</summary>
internal sealed class FeatureNotAvailableException(string message) : Exception(message);
