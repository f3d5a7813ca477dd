using Fast.Kernels.Filters;
using Xunit;

namespace Fast.Kernels.Tests.Filters;

/// <summary>
/// Matrices whose longer axis is already the last one run both Gaussian passes row by row through a one-row
/// buffer. Every small shape with rows ≤ columns, axes shorter than the filter radius included, and a few large
/// ones, with and without special values, must equal the direct formula, on any thread count.
/// </summary>
[Trait("Isa", "Core")]
public class MatrixGaussianTests
{
    [Fact]
    public void Small_matrices_match_the_direct_formula()
    {
        double[] taps = GaussianFilterTests.SpecTaps();
        for (int rows = 1; rows <= 12; rows++)
        {
            for (int columns = rows; columns <= 40; columns += 1 + (columns / 8))
            {
                int[] shape = [rows, columns];
                float[] x = MedianFilterTests.RandomTensor(shape, seed: (rows * 100) + columns);
                var actual = new float[x.Length];
                GaussianFilter.Apply(x, actual, shape);
                BitAssert.Identical(FilterOracles.Gaussian(x, shape, taps), actual, $"gaussian [{rows},{columns}]");
            }
        }
    }

    [Fact]
    public void Large_matrices_with_special_values_match_on_one_and_all_threads()
    {
        double[] taps = GaussianFilterTests.SpecTaps();
        float[] pool = [0f, -0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, 1e-30f];
        var rng = new Random(41);
        foreach (int[] shape in new[] { new[] { 200, 300 }, new[] { 257, 257 }, new[] { 9, 1283 } })
        {
            float[] x = MedianFilterTests.RandomTensor(shape, seed: shape[0] + shape[1]);
            for (int i = 0; i < x.Length; i += 1 + rng.Next(500))
            {
                x[i] = pool[rng.Next(pool.Length)];
            }

            float[] expected = FilterOracles.Gaussian(x, shape, taps);
            var one = new float[x.Length];
            var all = new float[x.Length];
            GaussianFilter.Apply(x, one, shape, maxDegreeOfParallelism: 1);
            GaussianFilter.Apply(x, all, shape);
            BitAssert.IdenticalUpToNaNPayload(expected, one, $"gaussian [{shape[0]},{shape[1]}] 1 thread");
            BitAssert.IdenticalUpToNaNPayload(expected, all, $"gaussian [{shape[0]},{shape[1]}] all cores");
        }
    }
}
