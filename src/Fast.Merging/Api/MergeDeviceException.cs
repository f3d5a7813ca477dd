namespace Fast.Merging.Api;

/// <summary>The requested device cannot be used (no GPU backend, no GPU, no driver).</summary>
public sealed class MergeDeviceException : MergingException
{
    /// <summary>Creates the exception with its one-line, user-facing message.</summary>
    public MergeDeviceException(string message)
        : base(message)
    {
    }
}
