using Fast.Merging.Execution;
using Fast.Merging.Planning;

namespace Fast.Merging.Bulk;

/// <summary>Discards every byte (the null sink: measures computation and reading alone).</summary>
internal sealed class NullMergeSink : IMergeSink
{
    public void Write(PlannedTensor tensor, long byteOffset, ReadOnlySpan<byte> data)
    {
    }

    public void Complete()
    {
    }

    public void Dispose()
    {
    }
}
