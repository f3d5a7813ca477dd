namespace Fast.Merging.PositionIds;

/// <summary>
/// Checks CLIP position ids the way the text encoder reads them: cast to int64 by truncation toward zero, so
/// 75.9975 becomes 75 and the token at 76 is read at 75 (SPEC §7).
/// </summary>
public static class PositionIdsChecker
{
    /// <summary>Checks values stored as floats (each converted exactly to double by the caller).</summary>
    /// <param name="dtype">The stored dtype name.</param>
    /// <param name="shape">The stored shape.</param>
    /// <param name="values">The values in storage order.</param>
    public static PositionIdsReport Check(string dtype, IReadOnlyList<long> shape, ReadOnlySpan<double> values)
    {
        ArgumentNullException.ThrowIfNull(dtype);
        ArgumentNullException.ThrowIfNull(shape);
        var n = values.Length;
        var seen = new bool[n];
        var corrupt = new List<int>();
        var drifting = new List<int>();
        var allExact = true;
        for (var i = 0; i < n; i++)
        {
            var v = values[i];
            var truncated = Math.Truncate(v);
            var exact = double.IsFinite(v) && truncated == v;
            allExact &= exact;

            // NaN and infinities cast to garbage in torch; they certainly do not name position i.
            if (double.IsFinite(truncated) && truncated >= 0 && truncated < n)
            {
                seen[(int)truncated] = true;
            }

            if (!double.IsFinite(truncated) || truncated != i)
            {
                corrupt.Add(i);
            }
            else if (!exact)
            {
                drifting.Add(i);
            }
        }

        var missing = Enumerable.Range(0, n).Where(i => !seen[i]).ToArray();
        return new PositionIdsReport(dtype, shape.ToArray(), allExact, corrupt, missing, drifting);
    }

    /// <summary>Checks values stored as integers.</summary>
    public static PositionIdsReport Check(string dtype, IReadOnlyList<long> shape, ReadOnlySpan<long> values)
    {
        var widened = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            // Position ids are below 2^53, where this is exact; a larger value is wrong either way.
            widened[i] = values[i];
        }

        return Check(dtype, shape, widened);
    }
}
