using Fast.Merging.Execution.Calcmodes;

namespace Fast.Merging.Tests.Methods;

/// <summary>
/// The cosine trim's percentile by selection (<see cref="Percentile.MidpointOfUnsorted"/>) against numpy's formula on
/// the sorted values (<see cref="Percentile.Midpoint"/>, checked against numpy by the compat suite): the same value
/// for every length from 1, runs of equal values, ±0, ±∞, ascending, descending and shuffled orders. From 32768 values
/// the selection runs in a band placed by a sample; orders that mislead the sample (every sampled value the largest,
/// or all values equal, so the band is everything) must fall back to selecting in all values, with the same result.
/// </summary>
public sealed class PercentileTests
{
    [Fact]
    public void Selection_gives_the_sorted_arrays_percentile()
    {
        var random = new Random(14);
        double[] qs = [0, 1, 2.5, 50, 98, 99, 100];
        foreach (int length in Enumerable.Range(1, 70).Concat([257, 1000, 4099, 32_767, 32_768, 100_000]))
        {
            foreach (int kind in Enumerable.Range(0, 7))
            {
                double[] values = Values(length, kind, random);
                double[] sorted = [.. values];
                Array.Sort(sorted);
                foreach (double q in qs)
                {
                    double[] scratch = [.. values];
                    double expected = Percentile.Midpoint(sorted, q);
                    double actual = Percentile.MidpointOfUnsorted(scratch, q);
                    Assert.True(expected == actual || (double.IsNaN(expected) && double.IsNaN(actual)), $"{length} values of kind {kind}, q {q}: expected {expected:R}, got {actual:R}");
                }
            }
        }
    }

    private static double[] Values(int length, int kind, Random random)
    {
        var values = new double[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = kind switch
            {
                0 => random.NextDouble() - 0.5,
                1 => random.Next(5) - 2, // long runs of equal values
                2 => i, // ascending
                3 => -i, // descending
                4 => random.Next(6) switch { 0 => 0.0, 1 => -0.0, 2 => double.PositiveInfinity, 3 => double.NegativeInfinity, _ => random.NextDouble() },
                5 => i % (length / 2048 > 0 ? length / 2048 : 1) == 0 ? 1000 + i : random.NextDouble(), // the sample sees only the largest values
                _ => 0.25, // all equal: the band is every value
            };
        }

        return values;
    }
}
