namespace Fast.Kernels.Methods;

/// <summary>
/// TIES' trim step (Yadav et al., "TIES-Merging", 2023; mergekit <c>sparsify.py</c>, <c>magnitude</c>): keeps the
/// <c>k</c> elements of largest magnitude and zeroes the rest. Magnitudes are compared as the bit patterns of |x|
/// (the order of non-negative floats; a NaN counts as larger than ∞), and among equal magnitudes the lower index is
/// kept first, so the kept set is unique (mergekit's <c>argsort</c> leaves that order unspecified). Linear time: a
/// two-level radix select over the 31 magnitude bits finds the k-th largest pattern, then one pass keeps what lies
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

    /// <summary>The k-th largest magnitude pattern, and how many elements lie strictly above it.</summary>
    private static uint KthLargestMagnitude(ReadOnlySpan<float> values, long k, out long above)
    {
        var counts = new long[1 << 16];
        foreach (float v in values)
        {
            counts[Magnitude(v) >> 16]++;
        }

        int high = (1 << 16) - 1;
        long greater = 0;
        while (greater + counts[high] < k)
        {
            greater += counts[high];
            high--;
        }

        Array.Clear(counts);
        foreach (float v in values)
        {
            uint m = Magnitude(v);
            if (m >> 16 == (uint)high)
            {
                counts[m & 0xFFFF]++;
            }
        }

        int low = (1 << 16) - 1;
        while (greater + counts[low] < k)
        {
            greater += counts[low];
            low--;
        }

        above = greater;
        return ((uint)high << 16) | (uint)low;
    }

    private static uint Magnitude(float v) => BitConverter.SingleToUInt32Bits(v) & 0x7FFF_FFFF;
}
