namespace Fast.SafeTensors;

/// <summary>A safetensors output could not be produced; nothing was left at the output path.</summary>
public class SafeTensorsWriteException : IOException
{
    /// <summary>Creates the exception for <paramref name="failure"/> on <paramref name="filePath"/>.</summary>
    public SafeTensorsWriteException(string filePath, WriteFailure failure, string message, string? tensorName = null)
        : base($"{SafeTensorsFormatException.OneLine(filePath)}: {message}")
    {
        FilePath = filePath;
        Failure = failure;
        TensorName = tensorName;
    }

    /// <summary>Creates the exception for <paramref name="failure"/> on <paramref name="filePath"/>, caused by <paramref name="innerException"/>.</summary>
    public SafeTensorsWriteException(string filePath, WriteFailure failure, string message, Exception innerException)
        : base($"{SafeTensorsFormatException.OneLine(filePath)}: {message}", innerException)
    {
        FilePath = filePath;
        Failure = failure;
    }

    /// <summary>Not for use: a write error always names its file and failure.</summary>
    public SafeTensorsWriteException()
        : this(string.Empty, WriteFailure.Incomplete, "write failed")
    {
    }

    /// <summary>Not for use: a write error always names its file and failure.</summary>
    public SafeTensorsWriteException(string message)
        : base(message)
    {
        FilePath = string.Empty;
    }

    /// <summary>Not for use: a write error always names its file and failure.</summary>
    public SafeTensorsWriteException(string message, Exception innerException)
        : base(message, innerException)
    {
        FilePath = string.Empty;
    }

    /// <summary>The output path.</summary>
    public string FilePath { get; }

    /// <summary>What went wrong.</summary>
    public WriteFailure Failure { get; }

    /// <summary>The tensor concerned, for <see cref="WriteFailure.Incomplete"/>.</summary>
    public string? TensorName { get; }
}
