namespace Fast.SafeTensors;

/// <summary>How <see cref="SafeTensorsFile"/> reaches tensor bytes.</summary>
public enum ReadMode
{
    /// <summary>Memory-map the file read-only; tensors are zero-copy views (<see cref="SafeTensorsFile.GetSpan"/>).</summary>
    Mapped,

    /// <summary>
    /// Large positional reads into caller buffers (<see cref="SafeTensorsFile.CopyTo"/>), for network
    /// drives where mapping is slow. The CLI's <c>--no-mmap</c>.
    /// </summary>
    Buffered,
}
