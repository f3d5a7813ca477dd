namespace Fast.SafeTensors;

/// <summary>Why <see cref="SafeTensorsWriter"/> refused to produce its output.</summary>
public enum WriteFailure
{
    /// <summary>The output path exists and overwriting was not asked for.</summary>
    OutputExists,

    /// <summary><see cref="SafeTensorsWriter.Commit"/> found tensor bytes that were never written.</summary>
    Incomplete,

    /// <summary>
    /// No room for the output: the device is full, the file would pass the file-size limit (<c>ulimit -f</c>) or the
    /// file system's largest file, or the quota is exhausted. Nothing was left at the output path, nor a temp file.
    /// </summary>
    OutOfSpace,
}
