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
    /// The percentile of unsorted values without NaN, which are reordered: the two order statistics numpy
    /// interpolates between are found by selection, O(n), instead of sorting them all (the cosine pass trims a
    /// million similarities twice, on one thread, between its two parallel passes). The order statistics are the
    /// sorted array's values, so the result is <see cref="Midpoint"/>'s.
    /// </summary>
    public static double MidpointOfUnsorted(Span<double> values, double q)
    {
        (int previous, int next, double gamma) = Positions(values.Length, q);
        double a = Select(values, previous);

        // Select leaves every value after index previous at least a: the next order statistic is their minimum.
        double b = a;
        if (next != previous)
        {
            b = values[next];
            foreach (double v in values[next..])
            {
                if (v < b)
                {
                    b = v;
                }
            }
        }

        return Interpolate(a, b, gamma);
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
