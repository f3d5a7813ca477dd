using Fast.Merging.Planning;

namespace Fast.Merging.Execution;

/// <summary>
/// Where the engine puts output bytes: ranges of planned tensors, from any thread, in any order.
/// Disposing without <see cref="Complete"/> abandons the output (nothing appears at a file path).
/// </summary>
internal interface IMergeSink : IDisposable
{
    /// <summary>Writes <paramref name="data"/> at <paramref name="byteOffset"/> of the tensor's output bytes.</summary>
    void Write(PlannedTensor tensor, long byteOffset, ReadOnlySpan<byte> data);

    /// <summary>Called once after every byte of every tensor was written.</summary>
    void Complete();
}
