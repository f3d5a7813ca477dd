using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Fast.Kernels;

namespace Fast.Merging.Randomness;

/// <summary>
/// torch's <c>normal_fill_16</c> for F16 and BF16 over whole blocks of 16 raw 32-bit draws, the transcendentals looked
/// up in a <see cref="BoxMullerTable"/>: pair j of a block takes its radius from draw j and its cosine and sine from
/// draw j + 8, and writes elements j and j + 8. With AVX2 a block is one gather of 8 radii and two of 4 (cosine, sine)
/// entries, so the 8 pairs run in the lanes of one vector (the lookup was ~90% of a draw's time done pair by pair), and
/// F16's rounding is done in the same lanes instead of a conversion pass over the values.
/// </summary>
internal static class BoxMullerTransform
{
    private const int Block = 16;
    private const int Pairs = Block / 2;

    /// <summary>
    /// Replaces the raw draws held in <paramref name="values"/> (as their bits, <c>values.Length</c> a multiple of 16)
    /// by the normal samples of <paramref name="type"/>, widened to f32.
    /// </summary>
    public static void FromTable(Span<float> values, BoxMullerTable table, ElementType type) => FromTable(values, table, type, Avx2.IsSupported);

    /// <summary><see cref="FromTable(Span{float}, BoxMullerTable, ElementType)"/> with the vector path chosen (tests run both).</summary>
    internal static void FromTable(Span<float> values, BoxMullerTable table, ElementType type, bool gather)
    {
        if (values.Length % Block != 0)
        {
            throw new ArgumentException($"whole blocks of {Block} draws only, not {values.Length}", nameof(values));
        }

        if (gather)
        {
            Vectorised(values, table, type);
            return;
        }

        for (int i = 0; i < values.Length; i += Block)
        {
            Scalar(values.Slice(i, Block), table, type);
        }

        if (type == ElementType.F16)
        {
            ElementConvert.RoundTo(values, type);
        }
    }

    /// <summary>
    /// One pair per lane. torch's <c>radius · cos · std + mean</c> with std 1 and mean 0: the product by 1 is exact and
    /// left out (no operand is NaN: the radius of a uniform in [0, 1) is finite), the + 0 is kept, it turns −0 into +0.
    /// F16 rounds the sum (c10::Half stores it); BF16 rounds the product (every BFloat16 op stores), the sum with 0 of a
    /// BFloat16 value being one already.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Vectorised(Span<float> values, BoxMullerTable table, ElementType type)
    {
        bool bfloat16 = type == ElementType.BF16;
        Vector256<int> mask = Vector256.Create((int)table.Mask);
        fixed (float* radii = table.Radius, cosSines = table.CosSin)
        fixed (float* v = values)
        {
            for (int i = 0; i < values.Length; i += Block)
            {
                Vector256<int> first = Vector256.Load((int*)(v + i)) & mask;
                Vector256<int> second = Vector256.Load((int*)(v + i + Pairs)) & mask;
                Vector256<float> radius = Avx2.GatherVector256(radii, first, sizeof(float));

                // Pairs 0-3 and 4-7 as (cos, sin) entries, then the cosines and the sines in pair order: the shuffle
                // leaves (0 1 4 5 | 2 3 6 7) and the permute puts the middle 64-bit halves back in place.
                Vector256<float> low = Avx2.GatherVector256((long*)cosSines, second.GetLower(), sizeof(long)).AsSingle();
                Vector256<float> high = Avx2.GatherVector256((long*)cosSines, second.GetUpper(), sizeof(long)).AsSingle();
                Vector256<float> cosines = Avx2.Permute4x64(Avx.Shuffle(low, high, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle();
                Vector256<float> sines = Avx2.Permute4x64(Avx.Shuffle(low, high, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle();
                Vector256<float> x = radius * cosines;
                Vector256<float> y = radius * sines;
                if (bfloat16)
                {
                    x = RoundToBFloat16(x) + Vector256<float>.Zero;
                    y = RoundToBFloat16(y) + Vector256<float>.Zero;
                }
                else
                {
                    x = RoundToHalf(x + Vector256<float>.Zero);
                    y = RoundToHalf(y + Vector256<float>.Zero);
                }

                x.Store(v + i);
                y.Store(v + i + Pairs);
            }
        }
    }

    /// <summary>Round to nearest even at bit 16 of finite values (<see cref="TorchRandn.Round"/>'s BF16 rounding, lane by lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> RoundToBFloat16(Vector256<float> value)
    {
        Vector256<uint> bits = value.AsUInt32();
        bits += Vector256.Create(0x7fffu) + ((bits >> 16) & Vector256<uint>.One);
        return (bits & Vector256.Create(0xffff0000u)).AsSingle();
    }

    /// <summary>
    /// Round to the nearest F16 value, ties to even (what <c>(float)(Half)x</c> gives), for |x| below 65520 (no
    /// overflow: a radius is at most ~3.9). Normal halves keep 11 significant bits: rounding at bit 13 of the f32
    /// pattern, the carry moving the exponent where it must. Below 2^-14 halves are multiples of 2^-24, the spacing of
    /// f32 in [0.5, 1): adding ±0.5 rounds there, subtracting it again is exact; the sign is put back so a value that
    /// rounds to zero keeps its sign, as the conversion keeps it. Inlined: as a call, passing and returning the vectors
    /// through memory, it cost as much as the gathers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> RoundToHalf(Vector256<float> x)
    {
        Vector256<uint> bits = x.AsUInt32();
        Vector256<uint> normal = (bits + Vector256.Create(0xfffu) + ((bits >> 13) & Vector256<uint>.One)) & Vector256.Create(0xffffe000u);
        Vector256<float> sign = x & Vector256.Create(-0f);
        Vector256<float> half = Vector256.Create(0.5f) | sign;
        Vector256<float> subnormal = ((x + half) - half) | sign;
        Vector256<float> tiny = Vector256.LessThan(Vector256.Abs(x), Vector256.Create(1f / 16384));
        return Vector256.ConditionalSelect(tiny, subnormal, normal.AsSingle());
    }

    /// <summary>One block pair by pair: the same operations in the same order, without gathers.</summary>
    private static void Scalar(Span<float> d, BoxMullerTable table, ElementType type)
    {
        uint mask = table.Mask;
        float[] radii = table.Radius, cosines = table.Cos, sines = table.Sin;
        for (int j = 0; j < Pairs; j++)
        {
            float radius = radii[BitConverter.SingleToUInt32Bits(d[j]) & mask];
            uint k = BitConverter.SingleToUInt32Bits(d[j + Pairs]) & mask;
            float x = radius * cosines[k], y = radius * sines[k];
            if (type == ElementType.BF16)
            {
                x = TorchRandn.Round(x, type);
                y = TorchRandn.Round(y, type);
            }

            d[j] = x + 0f;
            d[j + Pairs] = y + 0f;
        }
    }
}
