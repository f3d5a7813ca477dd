namespace Fast.Native;

/// <summary>An argument of a C call that cannot be used (NULL, not UTF-8, request JSON of the wrong shape).</summary>
internal sealed class NativeInputException(string message) : Exception(message);
