namespace Fast.Merging.Api;

/// <summary>
/// Cancellation that came after the output was renamed into place: the file at <see cref="OutputPath"/> is complete,
/// only the work after it (hashing the output, the report) was skipped. Still an <see cref="OperationCanceledException"/>
/// so callers that stop on cancellation keep doing so; the CLI tells the user the output exists.
/// </summary>
public sealed class CancelledAfterOutputException : OperationCanceledException
{
    /// <summary>Creates the exception for the complete output at <paramref name="outputPath"/>.</summary>
    public CancelledAfterOutputException(string outputPath, OperationCanceledException innerException)
        : base($"cancelled after the output was written: {outputPath} is complete (its hash and summary were skipped)", innerException, innerException?.CancellationToken ?? default)
    {
        OutputPath = outputPath;
    }

    /// <summary>The complete output file.</summary>
    public string OutputPath { get; }
}
