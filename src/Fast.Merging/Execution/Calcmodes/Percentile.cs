namespace Fast.Merging.Execution.Calcmodes;

/// <summary>numpy's <c>percentile(x, q, method="midpoint")</c> on a sorted array, with numpy's index and interpolation arithmetic.</summary>
internal static class Percentile
{
    public static double Midpoint(ReadOnlySpan<double> sorted, double q)
    {
        int n = sorted.Length;
        double quantile = q / 100;
        double position = (n - 1) * quantile;
        double virtualIndex = 0.5 * (Math.Floor(position) + Math.Ceiling(position));
        int previous = (int)Math.Floor(virtualIndex);
        int next = Math.Min(previous + 1, n - 1);
        double gamma = virtualIndex % 1 == 0 ? 0 : 0.5;
        double a = sorted[previous];
        double b = sorted[next];
        double difference = b - a;

        // numpy's _lerp: a + d·t, replaced by b − d·(1 − t) where t ≥ 0.5.
        return gamma >= 0.5 ? b - (difference * (1 - gamma)) : a + (difference * gamma);
    }
}
