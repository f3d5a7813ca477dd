namespace Fast.Kernels.Methods;

/// <summary>
/// TIES' trim step (Yadav et al., "TIES-Merging", 2023; mergekit <c>sparsify.py</c>, <c>magnitude</c>): keeps the
/// <c>k</c> elements of largest magnitude and zeroes the rest. Magnitudes are compared as the bit patterns of |x|
/// (the order of non-negative floats; a NaN counts as larger than ∞), and among equal magnitudes the lower index is
/// kept first, so the kept set is unique (mergekit's <c>argsort</c> leaves that order unspecified). Linear time: a
/// three-level radix select over the 31 magnitude bits finds the k-th largest pattern, then one pass keeps what lies
/// above it and the first equal ones.
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
    /// The k-th largest magnitude pattern, and how many elements lie strictly above it: a radix select over the 31
    /// magnitude bits, in two passes of 16 and 15 bits for large tensors, three of 11, 10 and 10 bits for small ones
    /// (whose histograms must stay cheap to clear).
    /// </summary>
    private static uint KthLargestMagnitude(ReadOnlySpan<float> values, long k, out long above)
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

    private static uint Select(ReadOnlySpan<float> values, long k, (int Shift, int Bits)[] levels, Span<int> counts, out long above)
    {
        uint prefix = 0;
        long greater = 0;
        foreach ((int shift, int bits) in levels)
        {
            int buckets = 1 << bits;
            Span<int> level = counts[..buckets];
            level.Clear();
            int prefixShift = shift + bits;
            foreach (float v in values)
            {
                uint m = Magnitude(v);
                if (prefixShift >= 31 || m >> prefixShift == prefix >> prefixShift)
                {
                    level[(int)((m >> shift) & (uint)(buckets - 1))]++;
                }
            }

            int bucket = buckets - 1;
            while (greater + level[bucket] < k)
            {
                greater += level[bucket];
                bucket--;
            }

            prefix |= (uint)bucket << shift;
        }

        above = greater;
        return prefix;
    }

    private const int LargeTensor = 1 << 20;

    private static readonly (int Shift, int Bits)[] s_smallLevels = [(20, 11), (10, 10), (0, 10)];

    private static readonly (int Shift, int Bits)[] s_largeLevels = [(15, 16), (0, 15)];

    private static uint Magnitude(float v) => BitConverter.SingleToUInt32Bits(v) & 0x7FFF_FFFF;
}
