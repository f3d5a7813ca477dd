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
/// F16's rounding is done in the same lanes instead of a conversion pass over the values. With AVX-512 the entries are
/// staged by plain loads and a block's 16 results are one 512-bit vector (<see cref="BoxMullerPath.Staged512"/>).
/// </summary>
internal static class BoxMullerTransform
{
    private const int Block = 16;
    private const int Pairs = Block / 2;

    /// <summary>Blocks per batch of <see cref="Staged"/>: 1 KiB of staged entries, L1-resident next to the table.</summary>
    private const int StagedBlocks = 16;

    /// <summary>
    /// Replaces the raw draws held in <paramref name="values"/> (as their bits, <c>values.Length</c> a multiple of 16)
    /// by the normal samples of <paramref name="type"/>, widened to f32.
    /// </summary>
    public static void FromTable(Span<float> values, BoxMullerTable table, ElementType type) => FromTable(values, table, type, FastestPath);

    /// <summary>The path <see cref="FromTable(Span{float}, BoxMullerTable, ElementType)"/> takes on this CPU.</summary>
    internal static BoxMullerPath FastestPath { get; } =
        Avx512F.IsSupported && Vector512.IsHardwareAccelerated ? BoxMullerPath.Staged512
        : Avx2.IsSupported ? BoxMullerPath.Gather256
        : BoxMullerPath.Scalar;

    /// <summary><see cref="FromTable(Span{float}, BoxMullerTable, ElementType)"/> by the given path (tests and the micro bench run each).</summary>
    internal static void FromTable(Span<float> values, BoxMullerTable table, ElementType type, BoxMullerPath path)
    {
        if (values.Length % Block != 0)
        {
            throw new ArgumentException($"whole blocks of {Block} draws only, not {values.Length}", nameof(values));
        }

        switch (path)
        {
            case BoxMullerPath.Staged512:
                Staged(values, table, type);
                return;
            case BoxMullerPath.Gather256:
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
    /// A batch of blocks at a time: first every entry is fetched by plain loads (no AVX-512 gathers in .NET, and two
    /// loads and a store per entry cost less than a lane of an AVX2 gather), pair j's radius over its draw j, its
    /// (cosine, sine) entry into <c>angles</c>; then each block is one 512-bit product of (radii, radii) and (cosines,
    /// sines), elements 0-7 and 8-15 at once, with <see cref="Vectorised"/>'s operations and rounding, lane for lane.
    /// The batch keeps the vector loads of a block well after its stores (a load that spans several pending scalar
    /// stores waits for them).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit] // every staged entry is written before it is read
    private static unsafe void Staged(Span<float> values, BoxMullerTable table, ElementType type)
    {
        bool bfloat16 = type == ElementType.BF16;
        uint mask = table.Mask;
        ulong* angles = stackalloc ulong[StagedBlocks * Pairs];
        Vector512<int> cosinesThenSines = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
        fixed (float* radii = table.Radius, cosSines = table.CosSin)
        fixed (float* v = values)
        {
            ulong* entries = (ulong*)cosSines;
            for (int start = 0; start < values.Length; start += StagedBlocks * Block)
            {
                int end = Math.Min(values.Length, start + (StagedBlocks * Block));
                ulong* angle = angles;
                for (int i = start; i < end; i += Block, angle += Pairs)
                {
                    uint* draws = (uint*)(v + i);
                    Fetch(draws, 0, radii, entries, mask, angle);
                    Fetch(draws, 1, radii, entries, mask, angle);
                    Fetch(draws, 2, radii, entries, mask, angle);
                    Fetch(draws, 3, radii, entries, mask, angle);
                    Fetch(draws, 4, radii, entries, mask, angle);
                    Fetch(draws, 5, radii, entries, mask, angle);
                    Fetch(draws, 6, radii, entries, mask, angle);
                    Fetch(draws, 7, radii, entries, mask, angle);
                }

                angle = angles;
                for (int i = start; i < end; i += Block, angle += Pairs)
                {
                    Vector512<float> radiusTwice = Avx512F.BroadcastVector256ToVector512((double*)(v + i)).AsSingle();
                    Vector512<float> trig = Avx512F.PermuteVar16x32(Vector512.Load((float*)angle), cosinesThenSines);
                    Vector512<float> xy = radiusTwice * trig;
                    xy = bfloat16 ? RoundToBFloat16(xy) + Vector512<float>.Zero : RoundToHalf(xy + Vector512<float>.Zero);
                    xy.Store(v + i);
                }
            }
        }
    }

    /// <summary>Pair <paramref name="j"/> of a block: its radius over draw j, its (cosine, sine) entry into <c>angle[j]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Fetch(uint* draws, int j, float* radii, ulong* entries, uint mask, ulong* angle)
    {
        angle[j] = entries[draws[j + Pairs] & mask];
        ((float*)draws)[j] = radii[draws[j] & mask];
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

    /// <summary><see cref="RoundToBFloat16(Vector256{float})"/> in 512-bit lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> RoundToBFloat16(Vector512<float> value)
    {
        Vector512<uint> bits = value.AsUInt32();
        bits += Vector512.Create(0x7fffu) + ((bits >> 16) & Vector512<uint>.One);
        return (bits & Vector512.Create(0xffff0000u)).AsSingle();
    }

    /// <summary><see cref="RoundToHalf(Vector256{float})"/> in 512-bit lanes, the same operations.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> RoundToHalf(Vector512<float> x)
    {
        Vector512<uint> bits = x.AsUInt32();
        Vector512<uint> normal = (bits + Vector512.Create(0xfffu) + ((bits >> 13) & Vector512<uint>.One)) & Vector512.Create(0xffffe000u);
        Vector512<float> sign = x & Vector512.Create(-0f);
        Vector512<float> half = Vector512.Create(0.5f) | sign;
        Vector512<float> subnormal = ((x + half) - half) | sign;
        Vector512<float> tiny = Vector512.LessThan(Vector512.Abs(x), Vector512.Create(1f / 16384));
        return Vector512.ConditionalSelect(tiny, subnormal, normal.AsSingle());
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
