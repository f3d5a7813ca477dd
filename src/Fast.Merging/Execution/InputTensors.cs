using Fast.SafeTensors;

namespace Fast.Merging.Execution;

/// <summary>
/// The plain read path: byte ranges of input tensors by positional reads into the caller's scratch, in both read
/// modes.
/// </summary>
internal sealed class InputTensors : IInputReader
{
    /// <summary>The one instance; the reader keeps no state.</summary>
    public static InputTensors Direct { get; } = new();

    public ReadOnlySpan<byte> Read(SafeTensorsFile file, TensorInfo tensor, long byteOffset, int length, Span<byte> scratch)
    {
        // Positional reads into the caller's scratch, never a view of the mapping, whatever the read mode: another
        // process truncating an input would fault (SIGBUS) the first kernel touching it, which kills the process with
        // no cleanup. A positional read reports it as a short read instead, and from the page cache costs no more than
        // the mapped pages' faults (bench/RESULTS.md, "readpath"). A caller with too little scratch gets a new buffer.
        Span<byte> span = scratch.Length >= length ? scratch[..length] : new byte[length];
        file.CopyTo(tensor, byteOffset, span);
        return span;
    }

    public void CopyTo(SafeTensorsFile file, TensorInfo tensor, long byteOffset, Span<byte> destination) =>
        file.CopyTo(tensor, byteOffset, destination);
}
