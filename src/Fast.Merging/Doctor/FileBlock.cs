namespace Fast.Merging.Doctor;

/// <summary>
/// A block of a file read in order, shared by the consumers of one streaming pass; the last consumer to
/// release it hands the buffer back for reuse.
/// </summary>
internal sealed class FileBlock(byte[] buffer, long offset, int length, int consumers, Action<byte[]> recycle)
{
    private int _pending = consumers;

    /// <summary>Position of the first byte in the file.</summary>
    public long Offset => offset;

    /// <summary>The bytes read.</summary>
    public ReadOnlyMemory<byte> Bytes => buffer.AsMemory(0, length);

    /// <summary>Called once by each consumer when done with the block.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _pending) == 0)
        {
            recycle(buffer);
        }
    }
}
