namespace Fast.SafeTensors;

/// <summary>
/// A file was truncated, rewritten or replaced by another process while it was being read, so the bytes read
/// cannot be trusted. Bad input (the CLI's exit 2), not a bug.
/// </summary>
public sealed class FileChangedException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/>; <paramref name="detail"/> says what was seen.</summary>
    public FileChangedException(string path, string detail)
        : base($"{SafeTensorsFormatException.OneLine(path)} changed while being read ({detail})")
    {
        FilePath = path;
    }

    /// <summary>The file that changed.</summary>
    public string FilePath { get; }
}
