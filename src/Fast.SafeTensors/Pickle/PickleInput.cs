using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Fast.SafeTensors.Pickle;

/// <summary>
/// Sequential reads of one byte range of a file, through a small buffer. Every length a pickle
/// claims is checked against the bytes left in the range before anything is allocated, so a
/// claimed gigabyte string in a kilobyte file fails at once.
/// </summary>
internal sealed class PickleInput
{
    private readonly SafeFileHandle _handle;
    private readonly string _path;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private long _bufferStart;
    private int _bufferLength;

    public PickleInput(SafeFileHandle handle, string path, long start, long end)
    {
        _handle = handle;
        _path = path;
        Position = start;
        End = end;
        _bufferStart = start;
    }

    public long Position { get; private set; }

    public long End { get; }

    public long Remaining => End - Position;

    public byte ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        Read(one);
        return one[0];
    }

    public void Read(Span<byte> destination)
    {
        Require(destination.Length);
        while (!destination.IsEmpty)
        {
            long inBuffer = Position - _bufferStart;
            if (inBuffer < 0 || inBuffer >= _bufferLength)
            {
                Fill();
                inBuffer = 0;
            }

            int n = (int)Math.Min(destination.Length, _bufferLength - inBuffer);
            _buffer.AsSpan((int)inBuffer, n).CopyTo(destination);
            destination = destination[n..];
            Position += n;
        }
    }

    public byte[] ReadBytes(long count)
    {
        Require(count);
        byte[] bytes = new byte[count];
        Read(bytes);
        return bytes;
    }

    public ushort ReadUInt16() { Span<byte> b = stackalloc byte[2]; Read(b); return BinaryPrimitives.ReadUInt16LittleEndian(b); }

    public uint ReadUInt32() { Span<byte> b = stackalloc byte[4]; Read(b); return BinaryPrimitives.ReadUInt32LittleEndian(b); }

    public int ReadInt32() { Span<byte> b = stackalloc byte[4]; Read(b); return BinaryPrimitives.ReadInt32LittleEndian(b); }

    public long ReadInt64() { Span<byte> b = stackalloc byte[8]; Read(b); return BinaryPrimitives.ReadInt64LittleEndian(b); }

    public double ReadDoubleBigEndian() { Span<byte> b = stackalloc byte[8]; Read(b); return BinaryPrimitives.ReadDoubleBigEndian(b); }

    /// <summary>Fails unless <paramref name="count"/> more bytes exist in the range.</summary>
    public void Require(long count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new CheckpointFormatException(_path, $"pickle claims {count} bytes at offset {Position} but only {Math.Max(Remaining, 0)} remain");
        }
    }

    /// <summary>Moves to <paramref name="position"/> inside the range.</summary>
    public void Seek(long position)
    {
        if (position < 0 || position > End)
        {
            throw new CheckpointFormatException(_path, $"offset {position} is outside the file");
        }

        Position = position;
    }

    private void Fill()
    {
        int want = (int)Math.Min(_buffer.Length, End - Position);
        int total = 0;
        while (total < want)
        {
            int read = RandomAccess.Read(_handle, _buffer.AsSpan(total, want - total), Position + total);
            if (read == 0)
            {
                throw new CheckpointFormatException(_path, $"file ended at byte {Position + total}; was it changed while open?");
            }

            total += read;
        }

        _bufferStart = Position;
        _bufferLength = total;
    }
}
