using Fast.Kernels.Filters;
using Xunit;

namespace Fast.Kernels.Tests.Filters;

/// <summary>
/// 1-D tensors (bias and norm vectors) take their own paths: the median finds NaN and −0 while it filters,
/// and short Gaussians run on a stack line with 512- or 256-bit taps. Every length 1..257 and a few long
/// ones, with and without special values, must equal the oracles; the ISA matrix runs this at every width.
/// </summary>
[Trait("Isa", "Core")]
public class OneAxisFilterTests
{
    private static readonly int[] s_lengths = [.. Enumerable.Range(1, 257), 1000, 1280, 4095, 4096, 4097, 9000];

    [Fact]
    public void Median_of_finite_values_matches_the_sort_oracle()
    {
        foreach (int n in s_lengths)
        {
            float[] x = MedianFilterTests.RandomTensor([n], seed: n);
            var actual = new float[n];
            MedianFilter.Apply(x, actual, [n]);
            BitAssert.Identical(FilterOracles.Median(x, [n]), actual, $"median n={n}");
        }
    }

    [Fact]
    public void Median_with_NaN_and_signed_zeros_anywhere_follows_scipy_quickselect()
    {
        float[] pool = [0f, -0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1f, -1f];
        foreach (int n in s_lengths)
        {
            // One special value at a position that walks over the edges, the vector body and the tail.
            foreach (int at in new[] { 0, n / 3, n - 1, Math.Min(n - 1, 17) })
            {
                float[] x = MedianFilterTests.RandomTensor([n], seed: n + at);
                x[at] = pool[(n + at) % pool.Length];
                var layout = new FilterShape([n], n, n);
                var expected = new float[n];
                var buffer = new double[3];
                var coords = new int[1];
                for (int q = 0; q < n; q++)
                {
                    expected[q] = ScipyRankSelect.MedianAt(x, layout, q, buffer, coords);
                }

                var actual = new float[n];
                MedianFilter.Apply(x, actual, [n]);
                BitAssert.Identical(expected, actual, $"median n={n} special at {at}");
            }
        }
    }

    [Fact]
    public void Gaussian_matches_the_direct_formula_with_and_without_special_values()
    {
        double[] taps = GaussianFilterTests.SpecTaps();
        float[] pool = [0f, -0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, float.MaxValue, 1e-30f];
        var rng = new Random(29);
        foreach (int n in s_lengths)
        {
            float[] x = MedianFilterTests.RandomTensor([n], seed: 3 * n);
            var actual = new float[n];
            GaussianFilter.Apply(x, actual, [n]);
            BitAssert.Identical(FilterOracles.Gaussian(x, [n], taps), actual, $"gaussian n={n}");

            for (int i = 0; i < n; i += 1 + rng.Next(40))
            {
                x[i] = pool[rng.Next(pool.Length)];
            }

            GaussianFilter.Apply(x, actual, [n]);
            BitAssert.IdenticalUpToNaNPayload(FilterOracles.Gaussian(x, [n], taps), actual, $"gaussian n={n} with specials");
        }
    }

    [Fact]
    public void Mismatched_or_overlapping_one_axis_arguments_throw()
    {
        var buffer = new float[10];
        Assert.Throws<ArgumentException>(() => MedianFilter.Apply(new float[5], new float[5], [4]));
        Assert.Throws<ArgumentException>(() => GaussianFilter.Apply(new float[5], new float[5], [4]));
        Assert.Throws<ArgumentException>(() => MedianFilter.Apply(buffer.AsSpan(0, 5), buffer.AsSpan(3, 5), [5]));
        Assert.Throws<ArgumentException>(() => GaussianFilter.Apply(buffer.AsSpan(0, 5), buffer.AsSpan(3, 5), [5]));
        MedianFilter.Apply([], [], [0]);
        GaussianFilter.Apply([], [], [0]);
    }
}
