namespace Fast.SafeTensors.Pickle;

/// <summary>
/// A PyTorch checkpoint (<c>.ckpt</c>/<c>.pt</c>/<c>.pth</c>/<c>.bin</c>) was refused: it asks for code the
/// restricted unpickler will not run, or its pickle or zip structure is malformed. One line:
/// <c>&lt;file&gt;: &lt;problem&gt;</c>. Derives from <see cref="SafeTensorsFormatException"/> so every caller that
/// reports a bad input file (exit 2) reports this one too.
/// </summary>
public sealed class CheckpointFormatException : SafeTensorsFormatException
{
    /// <summary>Creates the exception for <paramref name="filePath"/>.</summary>
    public CheckpointFormatException(string filePath, string problem)
        : base($"{OneLine(filePath)}: {OneLine(problem)}")
    {
        Problem = problem;
    }

    /// <summary>Not for use: a checkpoint error always names its file.</summary>
    public CheckpointFormatException()
        : base("checkpoint refused")
    {
        Problem = string.Empty;
    }

    /// <summary>Not for use: a checkpoint error always names its file.</summary>
    public CheckpointFormatException(string message)
        : base(message)
    {
        Problem = message;
    }

    /// <summary>Not for use: a checkpoint error always names its file.</summary>
    public CheckpointFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problem = message;
    }

    /// <summary>What was wrong, without the file name.</summary>
    public string Problem { get; }
}
