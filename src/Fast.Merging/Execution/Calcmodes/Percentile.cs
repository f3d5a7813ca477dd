using System.Runtime.CompilerServices;

namespace Fast.Merging.Execution.Calcmodes;

/// <summary>numpy's <c>percentile(x, q, method="midpoint")</c>, with numpy's index and interpolation arithmetic.</summary>
internal static class Percentile
{
    /// <summary>The percentile of a sorted array (the oracle of <see cref="MidpointOfUnsorted"/>).</summary>
    public static double Midpoint(ReadOnlySpan<double> sorted, double q)
    {
        (int previous, int next, double gamma) = Positions(sorted.Length, q);
        return Interpolate(sorted[previous], sorted[next], gamma);
    }

    /// <summary>
    /// The percentile of unsorted values without NaN, left as they are: the two order statistics numpy interpolates
    /// between are found by selection, O(n), instead of sorting them all (the cosine pass trims a million
    /// similarities twice, on one thread, between its two parallel passes). The order statistics are the sorted
    /// array's values, so the result is <see cref="Midpoint"/>'s.
    /// </summary>
    public static double MidpointOfUnsorted(ReadOnlySpan<double> values, double q)
    {
        (int previous, int next, double gamma) = Positions(values.Length, q);
        if (!TrySelectInBand(values, previous, next, out double a, out double b))
        {
            double[] copy = values.ToArray();
            a = Select(copy, previous);
            b = next == previous ? a : Minimum(copy.AsSpan(next));
        }

        return Interpolate(a, b, gamma);
    }

    /// <summary>Below this many values the whole array is copied and selected in (the band's sample would be most of it).</summary>
    private const int BandMinimum = 16 * BandSample;

    /// <summary>Values sampled to place the band, and the sample ranks on each side of the target that bound it.</summary>
    private const int BandSample = 2048, BandMargin = 96;

    /// <summary>
    /// Order statistics <paramref name="previous"/> and <paramref name="next"/> (next is previous or previous + 1)
    /// found in a band of values: bounds from an evenly spaced sample bracket the rank, one pass counts the values
    /// below the band and copies the band's values, and the selection runs in the band only (about a tenth of the
    /// values). The sorted array is the values below the band, then the band sorted, then the rest, so the band's
    /// statistics are exact wherever both ranks fall inside it; false where they do not (a sample the values' order
    /// misled), and the caller selects in all of them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per merge, over a million values: optimised from its first call
    private static bool TrySelectInBand(ReadOnlySpan<double> values, int previous, int next, out double a, out double b)
    {
        a = b = 0;
        int n = values.Length;
        if (n < BandMinimum)
        {
            return false;
        }

        var sample = new double[BandSample];
        int stride = n / BandSample;
        for (int i = 0; i < BandSample; i++)
        {
            sample[i] = values[i * stride];
        }

        // The bounds are the sample's order statistics at the margin's ranks on each side, selected like the result.
        int center = (int)((long)previous * BandSample / n);
        double low = center - BandMargin < 0 ? double.NegativeInfinity : Select(sample, center - BandMargin);
        double high = center + BandMargin >= BandSample ? double.PositiveInfinity : Select(sample, center + BandMargin);

        // The band's values are written branch-free (a slot is kept only when its value is in the band), so the buffer
        // has one spare slot; a band larger than a quarter of the values gives up.
        int capacity = n / 4;
        double[] band = new double[capacity + 1];
        int below = 0, kept = 0;
        foreach (double v in values)
        {
            below += v < low ? 1 : 0;
            band[kept] = v;
            kept += v >= low && v <= high ? 1 : 0;
            if (kept == capacity)
            {
                return false;
            }
        }

        if (previous < below || next >= below + kept)
        {
            return false;
        }

        Span<double> inBand = band.AsSpan(0, kept);
        a = Select(inBand, previous - below);
        b = next == previous ? a : Minimum(inBand[(next - below)..]);
        return true;
    }

    /// <summary>The smallest value (the next order statistic once <see cref="Select"/> has left every later value at least its result).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per merge, over a million values: optimised from its first call
    private static double Minimum(ReadOnlySpan<double> values)
    {
        double m = values[0];
        foreach (double v in values)
        {
            if (v < m)
            {
                m = v;
            }
        }

        return m;
    }

    private static (int Previous, int Next, double Gamma) Positions(int n, double q)
    {
        double quantile = q / 100;
        double position = (n - 1) * quantile;
        double virtualIndex = 0.5 * (Math.Floor(position) + Math.Ceiling(position));
        int previous = (int)Math.Floor(virtualIndex);
        int next = Math.Min(previous + 1, n - 1);
        double gamma = virtualIndex % 1 == 0 ? 0 : 0.5;
        return (previous, next, gamma);
    }

    private static double Interpolate(double a, double b, double gamma)
    {
        double difference = b - a;

        // numpy's _lerp: a + d·t, replaced by b − d·(1 − t) where t ≥ 0.5.
        return gamma >= 0.5 ? b - (difference * (1 - gamma)) : a + (difference * gamma);
    }

    /// <summary>
    /// The <paramref name="k"/>-th smallest value (quickselect with three-way partitions, so runs of equal values end
    /// it early), leaving every value before index k at most it and every value after at least it. A range that does
    /// not shrink fast enough is sorted instead, so adversarial orders stay O(n log n).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per merge, over a million values: optimised from its first call
    private static double Select(Span<double> values, int k)
    {
        int lo = 0, hi = values.Length - 1;
        int rounds = 2 * (32 - int.LeadingZeroCount(values.Length));
        while (lo < hi)
        {
            if (rounds-- == 0)
            {
                values[lo..(hi + 1)].Sort();
                return values[k];
            }

            double pivot = MedianOfThree(values[lo], values[lo + ((hi - lo) / 2)], values[hi]);
            int less = lo, i = lo, greater = hi;
            while (i <= greater)
            {
                double v = values[i];
                if (v < pivot)
                {
                    (values[less], values[i]) = (values[i], values[less]);
                    less++;
                    i++;
                }
                else if (v > pivot)
                {
                    (values[greater], values[i]) = (values[i], values[greater]);
                    greater--;
                }
                else
                {
                    i++;
                }
            }

            // [lo, less) < pivot, [less, greater] == pivot, (greater, hi] > pivot.
            if (k < less)
            {
                hi = less - 1;
            }
            else if (k > greater)
            {
                lo = greater + 1;
            }
            else
            {
                return values[k];
            }
        }

        return values[k];
    }

    private static double MedianOfThree(double a, double b, double c) =>
        a < b ? (b < c ? b : Math.Max(a, c)) : (a < c ? a : Math.Max(b, c));
}
