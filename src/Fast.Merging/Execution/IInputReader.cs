using Fast.SafeTensors;

namespace Fast.Merging.Execution;

/// <summary>
/// Every read of input tensor bytes by the engines goes through this seam, so the bulk engine can serve many
/// variants from one read and tests can count what was read.
/// </summary>
internal interface IInputReader
{
    /// <summary>
    /// Bytes <paramref name="byteOffset"/>..+<paramref name="length"/> of <paramref name="tensor"/>: a zero-copy view when the
    /// reader has one (the bulk engine's windows), otherwise copied into <paramref name="scratch"/>.
    /// </summary>
    ReadOnlySpan<byte> Read(SafeTensorsFile file, TensorInfo tensor, long byteOffset, int length, Span<byte> scratch);

    /// <summary>Copies bytes of <paramref name="tensor"/> from <paramref name="byteOffset"/> into all of <paramref name="destination"/>.</summary>
    void CopyTo(SafeTensorsFile file, TensorInfo tensor, long byteOffset, Span<byte> destination);
}
