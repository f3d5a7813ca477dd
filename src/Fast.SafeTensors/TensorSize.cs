namespace Fast.SafeTensors;

/// <summary>Element counts and byte sizes with every overflow caught (SPEC §1.1 rule 6).</summary>
internal static class TensorSize
{
    /// <summary>
    /// Product of the dimensions; 1 for a scalar, 0 with a zero dimension. The product of the non-zero dimensions must
    /// fit in 64 bits even when a zero makes the tensor empty: every row, stride and slice size a reader, planner or
    /// kernel derives from the shape is then a sub-product that fits too ([2^40, 2^40, 0] is refused here, in every
    /// command and in the library, instead of overflowing later in one of them).
    /// </summary>
    public static long ElementCount(ReadOnlySpan<long> shape, string tensorName, string filePath)
    {
        long count = 1;
        bool empty = false;
        foreach (long dim in shape)
        {
            if (dim == 0)
            {
                empty = true;
                continue;
            }

            if (dim < 0 || count > long.MaxValue / dim)
            {
                throw new SafeTensorsFormatException(filePath, FormatRule.SizeOverflow, tensorName, $"shape [{string.Join(',', shape.ToArray())}]");
            }

            count *= dim;
        }

        return empty ? 0 : count;
    }

    /// <summary>
    /// For an empty tensor: the bits its non-zero dimensions would span must fit in 64 bits, so that no
    /// <c>elements × bits</c> of a row or slice overflows in the planner or the kernels either.
    /// </summary>
    public static void EnsureEmptyShapeFits(DType dtype, ReadOnlySpan<long> shape, string tensorName, string filePath)
    {
        Int128 bits = DTypeInfo.BitSize(dtype);
        foreach (long dim in shape)
        {
            bits *= Math.Max(dim, 1); // ≤ 2^63 · 2^6 after ElementCount's check: no Int128 overflow
        }

        if (bits > long.MaxValue)
        {
            throw new SafeTensorsFormatException(filePath, FormatRule.SizeOverflow, tensorName, $"shape [{string.Join(',', shape.ToArray())}] of {DTypeInfo.ToJsonName(dtype)}");
        }
    }

    /// <summary>Bytes for <paramref name="elementCount"/> elements; sub-byte dtypes must fill whole bytes.</summary>
    public static long ByteLength(DType dtype, long elementCount, string tensorName, string filePath)
    {
        Int128 bits = (Int128)elementCount * DTypeInfo.BitSize(dtype);
        if (bits % 8 != 0)
        {
            throw new SafeTensorsFormatException(
                filePath, FormatRule.SubByteNotDivisible, tensorName, $"{elementCount} x {DTypeInfo.BitSize(dtype)} bits");
        }

        Int128 bytes = bits / 8;
        if (bytes > long.MaxValue)
        {
            throw new SafeTensorsFormatException(filePath, FormatRule.SizeOverflow, tensorName, $"{elementCount} elements of {DTypeInfo.ToJsonName(dtype)}");
        }

        return (long)bytes;
    }
}
