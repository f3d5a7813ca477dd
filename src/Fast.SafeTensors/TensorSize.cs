namespace Fast.SafeTensors;

/// <summary>Element counts and byte sizes with every overflow caught (SPEC §1.1 rule 6).</summary>
internal static class TensorSize
{
    /// <summary>Product of the dimensions; 1 for a scalar. A zero dimension makes it 0 whatever the others.</summary>
    public static long ElementCount(ReadOnlySpan<long> shape, string tensorName, string filePath)
    {
        if (shape.Contains(0))
        {
            return 0;
        }

        long count = 1;
        foreach (long dim in shape)
        {
            if (dim < 0 || count > long.MaxValue / dim)
            {
                throw new SafeTensorsFormatException(filePath, FormatRule.SizeOverflow, tensorName, $"shape [{string.Join(',', shape.ToArray())}]");
            }

            count *= dim;
        }

        return count;
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
