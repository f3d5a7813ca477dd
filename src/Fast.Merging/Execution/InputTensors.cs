using Fast.SafeTensors;

namespace Fast.Merging.Execution;

/// <summary>
/// Byte ranges of input tensors: zero-copy views from a mapped file, or positional reads into the
/// caller's scratch buffer in buffered mode.
/// </summary>
internal static class InputTensors
{
    public static ReadOnlySpan<byte> Read(SafeTensorsFile file, TensorInfo tensor, long byteOffset, int length, byte[] scratch)
    {
        if (file.Mode == ReadMode.Mapped)
        {
            return file.GetSpan(tensor, byteOffset, length);
        }

        Span<byte> span = scratch.AsSpan(0, length);
        file.CopyTo(tensor, byteOffset, span);
        return span;
    }
}
