using Fast.SafeTensors;

namespace Fast.Merging.Execution;

/// <summary>
/// The plain read path: byte ranges of input tensors as zero-copy views from a mapped file, or positional reads
/// into the caller's scratch in buffered mode.
/// </summary>
internal sealed class InputTensors : IInputReader
{
    /// <summary>The one instance; the reader keeps no state.</summary>
    public static InputTensors Direct { get; } = new();

    public ReadOnlySpan<byte> Read(SafeTensorsFile file, TensorInfo tensor, long byteOffset, int length, Span<byte> scratch)
    {
        if (file.Mode == ReadMode.Mapped)
        {
            return file.GetSpan(tensor, byteOffset, length);
        }

        Span<byte> span = scratch[..length];
        file.CopyTo(tensor, byteOffset, span);
        return span;
    }

    public void CopyTo(SafeTensorsFile file, TensorInfo tensor, long byteOffset, Span<byte> destination) =>
        file.CopyTo(tensor, byteOffset, destination);
}
