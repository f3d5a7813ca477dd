using System.Numerics;
using System.Runtime.InteropServices;

namespace Fast.Kernels.Methods;

/// <summary>
/// TIES' trim step (Yadav et al., "TIES-Merging", 2023; mergekit <c>sparsify.py</c>, <c>magnitude</c>): keeps the
/// <c>k</c> elements of largest magnitude and zeroes the rest. Magnitudes are compared as the bit patterns of |x|
/// (the order of non-negative floats; a NaN counts as larger than ∞), and among equal magnitudes the lower index is
/// kept first, so the kept set is unique (mergekit's <c>argsort</c> leaves that order unspecified). Linear time: a
/// radix select over the 31 magnitude bits finds the k-th largest pattern (the threshold) and how many lie strictly
/// above it, then one vectorised pass (<see cref="ApplyThreshold"/>) keeps what lies above it and the first equal ones.
/// A tensor too large to hold whole is selected in streaming passes (<see cref="MagnitudeSelection"/>) with the same
/// threshold, so the kept set does not depend on how the tensor was split.
/// </summary>
public static class MagnitudeTrim
{
    /// <summary>The number of elements a density keeps: <c>floor(density·n)</c> in double, as mergekit's <c>int(density * numel)</c>.</summary>
    /// <param name="density">The kept fraction, in (0, 1].</param>
    /// <param name="count">Elements of the tensor.</param>
    /// <returns>k, between 0 and <paramref name="count"/>.</returns>
    public static long KeptCount(double density, long count) => density >= 1 ? count : Math.Min(count, (long)Math.Floor(density * count));

    /// <summary>Zeroes every element of <paramref name="values"/> but the <paramref name="keep"/> of largest magnitude.</summary>
    /// <param name="values">The differences, in place.</param>
    /// <param name="keep">How many to keep (all when ≥ the length; none when ≤ 0).</param>
    public static void KeepLargest(Span<float> values, long keep)
    {
        if (keep >= values.Length)
        {
            return;
        }

        if (keep <= 0)
        {
            values.Clear();
            return;
        }

        uint threshold = KthLargestMagnitude(values, keep, out long above);
        long equalToKeep = keep - above;
        ApplyThreshold(values, threshold, ref equalToKeep);
    }

    /// <summary>
    /// Keeps the elements whose magnitude pattern lies above <paramref name="threshold"/> and, in index order, the first
    /// <paramref name="equalToKeep"/> equal to it; zeroes (+0) the rest. Called on consecutive pieces of a tensor in
    /// order with the same counter, it keeps the same set as one call on the whole tensor.
    /// </summary>
    /// <param name="values">The values, in place.</param>
    /// <param name="threshold">The k-th largest magnitude pattern.</param>
    /// <param name="equalToKeep">How many elements equal to the threshold are still to be kept; decremented.</param>
    public static void ApplyThreshold(Span<float> values, uint threshold, ref long equalToKeep)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var limit = new Vector<uint>(threshold);
            var mask = new Vector<uint>(0x7FFF_FFFF);
            Span<Vector<uint>> bits = MemoryMarshal.Cast<float, Vector<uint>>(values);
            for (int v = 0; v < bits.Length; v++)
            {
                Vector<uint> magnitude = bits[v] & mask;
                if (Vector.EqualsAny(magnitude, limit))
                {
                    // Rare: elements at the threshold are kept in index order, one by one.
                    ApplyScalar(values.Slice(v * Vector<uint>.Count, Vector<uint>.Count), threshold, ref equalToKeep);
                    continue;
                }

                bits[v] = Vector.ConditionalSelect(Vector.GreaterThan(magnitude, limit), bits[v], Vector<uint>.Zero);
            }

            i = bits.Length * Vector<uint>.Count;
        }

        ApplyScalar(values[i..], threshold, ref equalToKeep);
    }

    /// <summary>
    /// The trim of <see cref="KeepLargest"/> as a rule a device applies element by element: the k-th largest magnitude
    /// pattern of <paramref name="values"/> and how many lie strictly above it (for a threshold the caller then turns
    /// into <see cref="KeptEqualEnd"/>).
    /// </summary>
    /// <param name="values">The whole tensor's values.</param>
    /// <param name="keep">How many to keep, 1 ≤ keep &lt; the length.</param>
    /// <param name="above">Elements whose magnitude pattern lies strictly above the threshold.</param>
    /// <returns>The threshold pattern.</returns>
    public static uint Threshold(ReadOnlySpan<float> values, long keep, out long above)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(keep, values.Length);
        return KthLargestMagnitude(values, keep, out above);
    }

    /// <summary>
    /// <see cref="Threshold"/> of the differences <c>minuend − subtrahend</c> (f32, as
    /// <see cref="MethodKernels.Subtract"/>) without storing them: the sampled bracket scans them as they are computed;
    /// only when it misses are they written to <paramref name="scratch"/> for the radix select. Either way the threshold
    /// and the count above it are those of the stored differences.
    /// </summary>
    /// <param name="minuend">The model's values.</param>
    /// <param name="subtrahend">The base's values, as long.</param>
    /// <param name="keep">How many to keep, 1 ≤ keep &lt; the length.</param>
    /// <param name="scratch">Room for the differences, at least as long (used only when the bracket misses).</param>
    /// <param name="above">Differences whose magnitude pattern lies strictly above the threshold.</param>
    /// <returns>The threshold pattern.</returns>
    public static uint DifferenceThreshold(ReadOnlySpan<float> minuend, ReadOnlySpan<float> subtrahend, long keep, Span<float> scratch, out long above)
    {
        Guard.SameLength(minuend.Length, subtrahend.Length, nameof(subtrahend));
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(keep, minuend.Length);
        if (minuend.Length >= MagnitudeBracket.MinElements && MagnitudeBracket.TrySelectDifference(minuend, subtrahend, keep, out uint threshold, out above))
        {
            return threshold;
        }

        Span<float> difference = scratch[..minuend.Length];
        MethodKernels.Subtract(minuend, subtrahend, difference);
        return RadixSelect(difference, keep, out above);
    }

    /// <summary>
    /// Where <see cref="ApplyThreshold"/> stops keeping elements equal to <paramref name="threshold"/> in this piece: the
    /// index just after the last equal element it keeps (0 when it keeps none), with <paramref name="equalToKeep"/>
    /// decremented as <see cref="ApplyThreshold"/> would. <see cref="ApplyThreshold"/> is then the same as keeping, per
    /// element i, a magnitude pattern above the threshold, or equal to it with i below the returned end; a device
    /// applies that rule in parallel and keeps the same set.
    /// </summary>
    /// <param name="values">The piece's values.</param>
    /// <param name="threshold">The k-th largest magnitude pattern.</param>
    /// <param name="equalToKeep">How many elements equal to the threshold are still to be kept; decremented.</param>
    /// <returns>The end index.</returns>
    public static int KeptEqualEnd(ReadOnlySpan<float> values, uint threshold, ref long equalToKeep)
    {
        int end = 0;
        for (int i = 0; i < values.Length && equalToKeep > 0; i++)
        {
            if (Magnitude(values[i]) == threshold)
            {
                equalToKeep--;
                end = i + 1;
            }
        }

        return end;
    }

    private static void ApplyScalar(Span<float> values, uint threshold, ref long equalToKeep)
    {
        for (int i = 0; i < values.Length; i++)
        {
            uint m = Magnitude(values[i]);
            if (m > threshold)
            {
                continue;
            }

            if (m == threshold && equalToKeep > 0)
            {
                equalToKeep--;
                continue;
            }

            values[i] = 0f;
        }
    }

    /// <summary>
    /// The k-th largest magnitude pattern, and how many elements lie strictly above it (1 ≤ k ≤ the length):
    /// <see cref="MagnitudeBracket"/> for large spans, else (or when its bracket misses) a radix select over the 31
    /// magnitude bits, in two passes of 16 and 15 bits for large tensors, three of 11, 10 and 10 bits for small ones
    /// (whose histograms must stay cheap to clear).
    /// </summary>
    internal static uint KthLargestMagnitude(ReadOnlySpan<float> values, long k, out long above)
    {
        // A sampled bracket and one vectorised pass find the same threshold at a fraction of the histogram's cost;
        // when its bracket misses (a poor sample, massive ties) the radix select below decides.
        if (values.Length >= MagnitudeBracket.MinElements && MagnitudeBracket.TrySelect(values, k, out uint threshold, out above))
        {
            return threshold;
        }

        return RadixSelect(values, k, out above);
    }

    /// <summary>The radix select of <see cref="KthLargestMagnitude"/> alone (also the exact select among a bracket's candidates).</summary>
    internal static uint RadixSelect(ReadOnlySpan<float> values, long k, out long above)
    {
        bool large = values.Length >= LargeTensor;
        int[] pooled = System.Buffers.ArrayPool<int>.Shared.Rent(large ? 1 << 16 : 1 << 11);
        try
        {
            return Select(values, k, large ? s_largeLevels : s_smallLevels, pooled, out above);
        }
        finally
        {
            System.Buffers.ArrayPool<int>.Shared.Return(pooled);
        }
    }

    /// <summary>The radix select over <paramref name="levels"/> (from the top bits down, together covering every bit the patterns use).</summary>
    internal static uint Select(ReadOnlySpan<float> values, long k, (int Shift, int Bits)[] levels, Span<int> counts, out long above)
    {
        uint prefix = 0;
        long greater = 0;
        foreach ((int shift, int bits) in levels)
        {
            int buckets = 1 << bits;
            Span<int> level = counts[..buckets];
            level.Clear();
            Count(values, level, shift, bits, prefix);
            prefix |= (uint)FindBucket(level, k, ref greater) << shift;
        }

        above = greater;
        return prefix;
    }

    /// <summary>Histogram of the <paramref name="bits"/> magnitude bits at <paramref name="shift"/> among the elements whose higher bits equal <paramref name="prefix"/>'s.</summary>
    internal static void Count(ReadOnlySpan<float> values, Span<int> level, int shift, int bits, uint prefix)
    {
        uint mask = (uint)(level.Length - 1);
        int prefixShift = shift + bits;
        if (prefixShift >= 31)
        {
            foreach (float v in values)
            {
                level[(int)((Magnitude(v) >> shift) & mask)]++;
            }

            return;
        }

        uint wanted = prefix >> prefixShift;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            // Few elements share the prefix: whole vectors without one are skipped.
            var wantedV = new Vector<uint>(wanted);
            var magnitudeMask = new Vector<uint>(0x7FFF_FFFF);
            ReadOnlySpan<Vector<uint>> patterns = MemoryMarshal.Cast<float, Vector<uint>>(values);
            for (int v = 0; v < patterns.Length; v++)
            {
                if (Vector.EqualsAny(Vector.ShiftRightLogical(patterns[v] & magnitudeMask, prefixShift), wantedV))
                {
                    CountMatching(values.Slice(v * Vector<uint>.Count, Vector<uint>.Count), level, shift, mask, prefixShift, wanted);
                }
            }

            i = patterns.Length * Vector<uint>.Count;
        }

        CountMatching(values[i..], level, shift, mask, prefixShift, wanted);
    }

    private static void CountMatching(ReadOnlySpan<float> values, Span<int> level, int shift, uint mask, int prefixShift, uint wanted)
    {
        foreach (float v in values)
        {
            uint m = Magnitude(v);
            if (m >> prefixShift == wanted)
            {
                level[(int)((m >> shift) & mask)]++;
            }
        }
    }

    /// <summary>The bucket, from the top, that holds the k-th largest element; adds the counts of the buckets above it to <paramref name="greater"/>.</summary>
    internal static int FindBucket(ReadOnlySpan<int> level, long k, ref long greater)
    {
        int bucket = level.Length - 1;
        while (greater + level[bucket] < k)
        {
            greater += level[bucket];
            bucket--;
        }

        return bucket;
    }

    private const int LargeTensor = 1 << 20;

    private static readonly (int Shift, int Bits)[] s_smallLevels = [(20, 11), (10, 10), (0, 10)];

    private static readonly (int Shift, int Bits)[] s_largeLevels = [(15, 16), (0, 15)];

    private static uint Magnitude(float v) => BitConverter.SingleToUInt32Bits(v) & 0x7FFF_FFFF;
}
