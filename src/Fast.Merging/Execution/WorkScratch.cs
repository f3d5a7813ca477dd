namespace Fast.Merging.Execution;

/// <summary>
/// One worker's fixed buffers: the output of a chunk, and the input chunks of buffered reads. Input buffers are
/// left empty when every read is served from elsewhere (the bulk engine's shared windows).
/// </summary>
internal sealed class WorkScratch(bool inputBuffers = true)
{
    /// <summary>Elements per chunk work item (see <see cref="MergeEngine.ChunkElements"/> for why this size).</summary>
    public const int ChunkElements = 1 << 17;

    /// <summary>Bytes of each buffer: a chunk of the widest dtype (f64).</summary>
    public const int ScratchBytes = ChunkElements * 8;

    public byte[] A { get; } = inputBuffers ? new byte[ScratchBytes] : [];

    public byte[] B { get; } = inputBuffers ? new byte[ScratchBytes] : [];

    public byte[] C { get; } = inputBuffers ? new byte[ScratchBytes] : [];

    public byte[] Output { get; } = new byte[ScratchBytes];
}
