using System.Buffers.Binary;

namespace Fast.Merging.PositionIds;

/// <summary>The correct position-ids tensor written by the <c>reset</c> policy: int64 <c>[[0, 1, …, n-1]]</c>.</summary>
public static class PositionIdsReset
{
    /// <summary>The dtype of a correct position-ids tensor.</summary>
    public const string DType = "I64";

    /// <summary>CLIP-L's context length.</summary>
    public const int ClipLength = 77;

    /// <summary>The shape <c>[1, n]</c>.</summary>
    public static long[] Shape(int length = ClipLength) => [1, length];

    /// <summary>The little-endian bytes of <c>[[0 .. n-1]]</c>.</summary>
    public static byte[] CreateBytes(int length = ClipLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var bytes = new byte[length * sizeof(long)];
        Write(bytes);
        return bytes;
    }

    /// <summary>Writes <c>[0 .. n-1]</c> as int64 little endian, n = <c>destination.Length / 8</c>.</summary>
    public static void Write(Span<byte> destination)
    {
        if (destination.Length % sizeof(long) != 0)
        {
            throw new ArgumentException("Destination length must be a multiple of 8.", nameof(destination));
        }

        for (var i = 0; i < destination.Length / sizeof(long); i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(destination[(i * sizeof(long))..], i);
        }
    }
}
