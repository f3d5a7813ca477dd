using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Fast.Kernels.Methods;

/// <summary>
/// A shortcut to <see cref="MagnitudeTrim"/>'s k-th largest magnitude pattern that touches each element once with
/// vector compares instead of a scalar histogram increment: a deterministic sample (a jittered stride, no RNG) puts
/// a bracket [low, high] of magnitude patterns around the k-th largest with a wide margin, one pass counts the
/// elements above <c>high</c> and collects the patterns inside the bracket, and the exact k-th largest is then
/// selected among the few collected ones. The threshold and the count above it are defined by the values alone, so
/// when the bracket holds the k-th largest they are exactly the full radix select's; when it does not (a poor sample,
/// massive ties) <see cref="TryResolve"/> says so and the caller falls back to the full select. Patterns compare as
/// unsigned integers, which orders |x| for every float (−0 is 0, a NaN lies above ∞).
/// </summary>
public static class MagnitudeBracket
{
    /// <summary>Below this many elements the full radix select (small histograms in L1) costs less than a sample.</summary>
    public const int MinElements = 1 << 16;

    private const uint MagnitudeMask = 0x7FFF_FFFF;

    /// <summary>Adjacent elements sampled together.</summary>
    private const int SampleRun = 16;

    /// <summary>
    /// A bracket for the <paramref name="keep"/>-th largest magnitude of a tensor of <paramref name="total"/> elements
    /// from a sample of <paramref name="values"/> (the tensor, or its first piece).
    /// </summary>
    /// <param name="values">The values sampled.</param>
    /// <param name="keep">The rank from the top, 1 ≤ keep ≤ total.</param>
    /// <param name="total">Elements of the whole tensor.</param>
    /// <param name="relativeMargin">Extra margin as a fraction of the sample (0 for a whole tensor; more for a first piece, which may not look like the rest).</param>
    /// <returns>The bracket's low and high patterns (inclusive).</returns>
    public static (uint Low, uint High) Estimate(ReadOnlySpan<float> values, long keep, long total, double relativeMargin) =>
        EstimateCore(values, values, difference: false, keep, total, relativeMargin);

    /// <summary>
    /// <see cref="Estimate"/> of the values <c>minuend − subtrahend</c> (f32, as <see cref="MethodKernels.Subtract"/>):
    /// only the sampled differences are computed, none is stored.
    /// </summary>
    /// <param name="minuend">The model's values.</param>
    /// <param name="subtrahend">The base's values, as long.</param>
    /// <param name="keep">The rank from the top, 1 ≤ keep ≤ total.</param>
    /// <param name="total">Elements of the whole tensor.</param>
    /// <param name="relativeMargin">Extra margin as a fraction of the sample.</param>
    /// <returns>The bracket's low and high patterns (inclusive).</returns>
    public static (uint Low, uint High) EstimateDifference(ReadOnlySpan<float> minuend, ReadOnlySpan<float> subtrahend, long keep, long total, double relativeMargin)
    {
        Guard.SameLength(minuend.Length, subtrahend.Length, nameof(subtrahend));
        return EstimateCore(minuend, subtrahend, difference: true, keep, total, relativeMargin);
    }

    private static (uint Low, uint High) EstimateCore(ReadOnlySpan<float> values, ReadOnlySpan<float> subtrahend, bool difference, long keep, long total, double relativeMargin)
    {
        int n = values.Length;
        if (n == 0)
        {
            return (0, MagnitudeMask);
        }

        // The sample size balances its sort (~25 ns per sampled element with the comparison sort it was tuned with;
        // the radix sort costs less, the sizes were kept) against the candidates its margin lets through (~4n/√S at
        // density 0.5, ~2 ns each to collect and select): S = (0.16 n)^⅔, at least 2048 so that a small tensor's
        // candidates stay near a tenth of it.
        int size = (int)Math.Clamp(Math.Pow(0.16 * n, 2.0 / 3.0), 2048, 16_384);
        size = Math.Min(size, n);
        uint[] pooled = System.Buffers.ArrayPool<uint>.Shared.Rent(2 * size); // the sample, then the sort's buffer
        Span<uint> sample = pooled.AsSpan(0, size);
        Span<uint> sortBuffer = pooled.AsSpan(size, size);
        // Runs of SampleRun adjacent elements (one cache line each, not one line per sampled element) at a stride,
        // each run at a hashed offset inside its stride, so a row length that divides the stride is not sampled in
        // one column only.
        int run = Math.Min(SampleRun, n);
        int runs = size / run;
        size = runs * run;
        sample = sample[..size];
        int stride = n / runs;
        for (int r = 0; r < runs; r++)
        {
            int jitter = (int)((uint)(r * 0x9E37_79B9u) % (uint)(stride - run + 1));
            int at = (int)((long)r * n / runs) + jitter;
            for (int j = 0; j < run; j++)
            {
                float x = difference ? values[at + j] - subtrahend[at + j] : values[at + j];
                sample[(r * run) + j] = BitConverter.SingleToUInt32Bits(x) & MagnitudeMask;
            }
        }

        PatternRadixSort.Sort(sample, sortBuffer);
        double p = Math.Clamp((double)keep / total, 0, 1);
        double rank = p * size;
        // The sample elements above the k-th largest are binomial(S, p): 4.5σ misses about once in 10⁵ tensors, and
        // a miss only costs the full select.
        double margin = (4.5 * Math.Sqrt(size * p * (1 - p))) + (relativeMargin * size) + 8;
        double highRank = Math.Floor(rank - margin), lowRank = Math.Ceiling(rank + margin);
        uint high = highRank < 0 ? MagnitudeMask : sample[size - 1 - (int)highRank];
        uint low = lowRank >= size ? 0 : sample[size - 1 - (int)lowRank];
        System.Buffers.ArrayPool<uint>.Shared.Return(pooled);
        return (low, high);
    }

    /// <summary>
    /// Counts the elements whose magnitude pattern lies above <paramref name="high"/> and appends those in
    /// [<paramref name="low"/>, <paramref name="high"/>] to <paramref name="candidates"/> in index order, as offsets
    /// from <paramref name="low"/> (past its end they are only counted, so <paramref name="collected"/> larger than the
    /// span's length means it overflowed).
    /// </summary>
    /// <param name="values">The values (a tensor or one piece of it).</param>
    /// <param name="low">The bracket's low pattern.</param>
    /// <param name="high">The bracket's high pattern, ≥ <paramref name="low"/>.</param>
    /// <param name="above">Incremented by the elements above the bracket.</param>
    /// <param name="candidates">Where the patterns inside the bracket go, from index <paramref name="collected"/>.</param>
    /// <param name="collected">Incremented by the elements inside the bracket.</param>
    public static void Scan(ReadOnlySpan<float> values, uint low, uint high, ref long above, Span<uint> candidates, ref long collected) =>
        ScanCore(values, values, difference: false, low, high, ref above, candidates, ref collected);

    /// <summary>
    /// <see cref="Scan"/> of <c>minuend − subtrahend</c> (f32, element by element, as
    /// <see cref="MethodKernels.Subtract"/> computes it) without storing the differences: one read of each operand
    /// instead of a write and two reads of a difference array.
    /// </summary>
    /// <param name="minuend">The model's values.</param>
    /// <param name="subtrahend">The base's values, as long.</param>
    /// <param name="low">The bracket's low pattern.</param>
    /// <param name="high">The bracket's high pattern, ≥ <paramref name="low"/>.</param>
    /// <param name="above">Incremented by the differences above the bracket.</param>
    /// <param name="candidates">Where the offsets of the differences inside the bracket go, from index <paramref name="collected"/>.</param>
    /// <param name="collected">Incremented by the differences inside the bracket.</param>
    public static void ScanDifference(ReadOnlySpan<float> minuend, ReadOnlySpan<float> subtrahend, uint low, uint high, ref long above, Span<uint> candidates, ref long collected)
    {
        Guard.SameLength(minuend.Length, subtrahend.Length, nameof(subtrahend));
        ScanCore(minuend, subtrahend, difference: true, low, high, ref above, candidates, ref collected);
    }

    private static void ScanCore(ReadOnlySpan<float> values, ReadOnlySpan<float> subtrahend, bool difference, uint low, uint high, ref long above, Span<uint> candidates, ref long collected)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(low, high);
        ref float first = ref MemoryMarshal.GetReference(values);
        ref float second = ref MemoryMarshal.GetReference(subtrahend);
        int length = values.Length;
        uint width = high - low;
        int i = 0;
        long greater = 0, inside = collected;
        if (Vector512.IsHardwareAccelerated && length >= Vector512<uint>.Count)
        {
            Vector512<uint> mask = Vector512.Create(MagnitudeMask), lowV = Vector512.Create(low), highV = Vector512.Create(high), widthV = Vector512.Create(width);
            Vector512<uint> counts = Vector512<uint>.Zero;
            ref uint room = ref MemoryMarshal.GetReference(candidates);
            for (; i <= length - Vector512<uint>.Count; i += Vector512<uint>.Count)
            {
                Vector512<float> x = Vector512.LoadUnsafe(ref first, (nuint)i);
                if (difference)
                {
                    x -= Vector512.LoadUnsafe(ref second, (nuint)i);
                }

                Vector512<uint> magnitude = x.AsUInt32() & mask;
                counts -= Vector512.GreaterThan(magnitude, highV); // all-ones lanes are −1
                Vector512<uint> offset = magnitude - lowV;
                Vector512<uint> inBracket = Vector512.LessThanOrEqual(offset, widthV);
                if (Avx512F.IsSupported && inside + Vector512<uint>.Count <= candidates.Length)
                {
                    // Branch-free: the lanes inside packed to the front and stored whole (the rest of the store is
                    // overwritten by the next one), as ~half the vectors hold a candidate in no predictable order.
                    Avx512F.Compress(Vector512<uint>.Zero, inBracket, offset).StoreUnsafe(ref room, (nuint)inside);
                    inside += BitOperations.PopCount(inBracket.ExtractMostSignificantBits());
                }
                else
                {
                    ulong within = inBracket.ExtractMostSignificantBits();
                    while (within != 0)
                    {
                        Append(candidates, ref inside, offset[BitOperations.TrailingZeroCount(within)]);
                        within &= within - 1;
                    }
                }
            }

            greater += Vector512.Sum(counts);
        }
        else if (Vector256.IsHardwareAccelerated && length >= Vector256<uint>.Count)
        {
            Vector256<uint> mask = Vector256.Create(MagnitudeMask), lowV = Vector256.Create(low), highV = Vector256.Create(high), widthV = Vector256.Create(width);
            Vector256<uint> counts = Vector256<uint>.Zero;
            for (; i <= length - Vector256<uint>.Count; i += Vector256<uint>.Count)
            {
                Vector256<float> x = Vector256.LoadUnsafe(ref first, (nuint)i);
                if (difference)
                {
                    x -= Vector256.LoadUnsafe(ref second, (nuint)i);
                }

                Vector256<uint> magnitude = x.AsUInt32() & mask;
                counts -= Vector256.GreaterThan(magnitude, highV);
                Vector256<uint> offset = magnitude - lowV;
                uint within = Vector256.LessThanOrEqual(offset, widthV).ExtractMostSignificantBits();
                while (within != 0)
                {
                    Append(candidates, ref inside, offset[BitOperations.TrailingZeroCount(within)]);
                    within &= within - 1;
                }
            }

            greater += Vector256.Sum(counts);
        }
        else if (Vector128.IsHardwareAccelerated && length >= Vector128<uint>.Count)
        {
            Vector128<uint> mask = Vector128.Create(MagnitudeMask), lowV = Vector128.Create(low), highV = Vector128.Create(high), widthV = Vector128.Create(width);
            Vector128<uint> counts = Vector128<uint>.Zero;
            for (; i <= length - Vector128<uint>.Count; i += Vector128<uint>.Count)
            {
                Vector128<float> x = Vector128.LoadUnsafe(ref first, (nuint)i);
                if (difference)
                {
                    x -= Vector128.LoadUnsafe(ref second, (nuint)i);
                }

                Vector128<uint> magnitude = x.AsUInt32() & mask;
                counts -= Vector128.GreaterThan(magnitude, highV);
                Vector128<uint> offset = magnitude - lowV;
                uint within = Vector128.LessThanOrEqual(offset, widthV).ExtractMostSignificantBits();
                while (within != 0)
                {
                    Append(candidates, ref inside, offset[BitOperations.TrailingZeroCount(within)]);
                    within &= within - 1;
                }
            }

            greater += Vector128.Sum(counts);
        }

        for (; i < length; i++)
        {
            float x = difference ? values[i] - subtrahend[i] : values[i];
            uint magnitude = BitConverter.SingleToUInt32Bits(x) & MagnitudeMask;
            if (magnitude > high)
            {
                greater++;
            }
            else if (magnitude - low <= width)
            {
                Append(candidates, ref inside, magnitude - low);
            }
        }

        above += greater;
        collected = inside;
    }

    /// <summary>
    /// The k-th largest pattern from a <see cref="Scan"/>: false when the bracket missed it (the k-th largest lies
    /// above or below the bracket) or the candidates overflowed; then the caller runs the full select.
    /// </summary>
    /// <param name="candidates">The collected offsets (the span given to <see cref="Scan"/>).</param>
    /// <param name="collected">Elements inside the bracket, as counted by <see cref="Scan"/>.</param>
    /// <param name="keep">The rank from the top, ≥ 1.</param>
    /// <param name="aboveBracket">Elements above the bracket, as counted by <see cref="Scan"/>.</param>
    /// <param name="low">The bracket's low pattern (the offsets' origin).</param>
    /// <param name="high">The bracket's high pattern.</param>
    /// <param name="threshold">The k-th largest pattern.</param>
    /// <param name="above">Elements whose pattern lies strictly above <paramref name="threshold"/>.</param>
    /// <returns>Whether the threshold was found.</returns>
    public static bool TryResolve(ReadOnlySpan<uint> candidates, long collected, long keep, long aboveBracket, uint low, uint high, out uint threshold, out long above)
    {
        threshold = 0;
        above = 0;
        if (collected > candidates.Length || aboveBracket >= keep || aboveBracket + collected < keep)
        {
            return false;
        }

        // A radix select over just the bits the offsets use (the bracket is narrow: ~20 bits), in levels of at most
        // 11 bits whose histograms stay in L1. The offsets are below 2³¹: as float patterns they read as magnitudes.
        int width = 32 - BitOperations.LeadingZeroCount(high - low);
        var levels = new (int Shift, int Bits)[(width + 10) / 11];
        for (int level = 0, shift = width; level < levels.Length; level++)
        {
            int bits = (shift + (levels.Length - level) - 1) / (levels.Length - level);
            shift -= bits;
            levels[level] = (shift, bits);
        }

        Span<int> counts = stackalloc int[1 << 11];
        ReadOnlySpan<float> offsets = MemoryMarshal.Cast<uint, float>(candidates[..(int)collected]);
        threshold = low + MagnitudeTrim.Select(offsets, keep - aboveBracket, levels, counts, out long aboveInside);
        above = aboveBracket + aboveInside;
        return true;
    }

    /// <summary><see cref="Estimate"/>, <see cref="Scan"/> and <see cref="TryResolve"/> over a whole tensor, with candidates for up to a quarter of it.</summary>
    internal static bool TrySelect(ReadOnlySpan<float> values, long keep, out uint threshold, out long above) =>
        TrySelectCore(values, values, difference: false, keep, out threshold, out above);

    /// <summary><see cref="TrySelect"/> of <c>minuend − subtrahend</c>, the differences computed as they are scanned, never stored.</summary>
    internal static bool TrySelectDifference(ReadOnlySpan<float> minuend, ReadOnlySpan<float> subtrahend, long keep, out uint threshold, out long above)
    {
        Guard.SameLength(minuend.Length, subtrahend.Length, nameof(subtrahend));
        return TrySelectCore(minuend, subtrahend, difference: true, keep, out threshold, out above);
    }

    private static bool TrySelectCore(ReadOnlySpan<float> values, ReadOnlySpan<float> subtrahend, bool difference, long keep, out uint threshold, out long above)
    {
        (uint low, uint high) = EstimateCore(values, subtrahend, difference, keep, values.Length, 0);
        uint[] candidates = System.Buffers.ArrayPool<uint>.Shared.Rent(values.Length / 4);
        try
        {
            long aboveBracket = 0, collected = 0;
            Span<uint> room = candidates.AsSpan(0, values.Length / 4);
            ScanCore(values, subtrahend, difference, low, high, ref aboveBracket, room, ref collected);
            return TryResolve(room, collected, keep, aboveBracket, low, high, out threshold, out above);
        }
        finally
        {
            System.Buffers.ArrayPool<uint>.Shared.Return(candidates);
        }
    }

    private static void Append(Span<uint> candidates, ref long collected, uint magnitude)
    {
        if (collected < candidates.Length)
        {
            candidates[(int)collected] = magnitude;
        }

        collected++;
    }
}
