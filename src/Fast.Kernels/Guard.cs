namespace Fast.Kernels;

/// <summary>Argument checks shared by the public kernels; messages name the argument and the fix.</summary>
internal static class Guard
{
    /// <summary>Elements in <paramref name="bytes"/> of <paramref name="type"/>; the byte count must be a whole number of elements.</summary>
    public static int ElementCount(ReadOnlySpan<byte> bytes, ElementType type, string name)
    {
        int size = ElementTypeInfo.SizeOf(type);
        if (bytes.Length % size != 0)
        {
            throw new ArgumentException($"{name} holds {bytes.Length} bytes, not a whole number of {type} elements ({size} bytes each).", name);
        }

        return bytes.Length / size;
    }

    public static void SameLength(int expected, int actual, string name)
    {
        if (expected != actual)
        {
            throw new ArgumentException($"{name} has {actual} elements; it must have {expected}, like the first input.", name);
        }
    }

    /// <summary>An output may be exactly an input (in place) or disjoint from it, never shifted against it.</summary>
    public static void NoPartialOverlap<TIn, TOut>(ReadOnlySpan<TIn> input, Span<TOut> output, bool sameFormat, string name)
        where TIn : unmanaged
        where TOut : unmanaged
    {
        ReadOnlySpan<byte> inBytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(input);
        ReadOnlySpan<byte> outBytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes((ReadOnlySpan<TOut>)output);
        if (inBytes.Overlaps(outBytes, out int offset) && !(offset == 0 && sameFormat && inBytes.Length == outBytes.Length))
        {
            throw new ArgumentException($"The destination overlaps {name} without being the same span in the same format; use a separate buffer or exactly {name}.", name);
        }
    }
}
