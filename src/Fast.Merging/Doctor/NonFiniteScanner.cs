using System.Numerics;
using System.Runtime.InteropServices;
using Fast.SafeTensors;

namespace Fast.Merging.Doctor;

/// <summary>
/// Counts NaN and infinite elements of stored floating tensors by their bit patterns, without converting:
/// an element is special when its magnitude bits reach the all-ones exponent, and NaN when they exceed it.
/// </summary>
internal static class NonFiniteScanner
{
    /// <summary>True for the dtypes <see cref="Count"/> understands (the computable floating types).</summary>
    public static bool CanScan(DType dtype) => DTypeInfo.IsFloating(dtype);

    /// <summary>Counts NaN and ±Inf in <paramref name="data"/>, whose length is a whole number of elements.</summary>
    public static NonFiniteCount Count(ReadOnlySpan<byte> data, DType dtype) => dtype switch
    {
        DType.F16 => Count<ushort>(data, 0x7FFF, 0x7C00),
        DType.BF16 => Count<ushort>(data, 0x7FFF, 0x7F80),
        DType.F32 => Count<uint>(data, 0x7FFF_FFFF, 0x7F80_0000),
        DType.F64 => Count<ulong>(data, 0x7FFF_FFFF_FFFF_FFFF, 0x7FF0_0000_0000_0000),
        DType.F8_E5M2 => Count<byte>(data, 0x7F, 0x7C),

        // e4m3fn has no infinities; its only special pattern, S.1111.111, is NaN.
        DType.F8_E4M3 => new NonFiniteCount(Count<byte>(data, 0x7F, 0x7F).Inf, 0),
        _ => default,
    };

    private static NonFiniteCount Count<T>(ReadOnlySpan<byte> data, T magnitudeMask, T exponentMask)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ReadOnlySpan<T> values = MemoryMarshal.Cast<byte, T>(data);
        long nan = 0, inf = 0;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            // Healthy tensors have no special values: test four vectors at once and count lane by lane
            // only in the rare group that has one.
            var magnitude = new Vector<T>(magnitudeMask);
            var exponent = new Vector<T>(exponentMask);
            int width = Vector<T>.Count;
            ref T start = ref MemoryMarshal.GetReference(values);
            for (; i <= values.Length - (4 * width); i += 4 * width)
            {
                Vector<T> a = Vector.LoadUnsafe(ref start, (nuint)i) & magnitude;
                Vector<T> b = Vector.LoadUnsafe(ref start, (nuint)(i + width)) & magnitude;
                Vector<T> c = Vector.LoadUnsafe(ref start, (nuint)(i + (2 * width))) & magnitude;
                Vector<T> d = Vector.LoadUnsafe(ref start, (nuint)(i + (3 * width))) & magnitude;
                if (Vector.GreaterThanOrEqualAny(Vector.Max(Vector.Max(a, b), Vector.Max(c, d)), exponent))
                {
                    CountScalar(values.Slice(i, 4 * width), magnitudeMask, exponentMask, ref nan, ref inf);
                }
            }
        }

        CountScalar(values[i..], magnitudeMask, exponentMask, ref nan, ref inf);
        return new NonFiniteCount(nan, inf);
    }

    private static void CountScalar<T>(ReadOnlySpan<T> values, T magnitudeMask, T exponentMask, ref long nan, ref long inf)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        foreach (T value in values)
        {
            T magnitude = value & magnitudeMask;
            if (magnitude > exponentMask)
            {
                nan++;
            }
            else if (magnitude == exponentMask)
            {
                inf++;
            }
        }
    }
}
