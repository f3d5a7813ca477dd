using Xunit;
using Fast.Kernels.Filters;

namespace Fast.Kernels.Tests.Filters;

[Trait("Isa", "Core")]
public sealed class MedianFilterTests
{
    public static TheoryData<int[]> FixedShapes() => new()
    {
        new[] { 1 }, new[] { 2 }, new[] { 3 }, new[] { 8 }, new[] { 9 }, new[] { 17 }, new[] { 1280 },
        new[] { 1, 1 }, new[] { 2, 2 }, new[] { 7, 9 }, new[] { 33, 70 },
        new[] { 2, 1, 3 }, new[] { 5, 6, 11 },
        new[] { 8, 9, 3, 3 }, new[] { 5, 4, 1, 1 }, new[] { 24, 20, 3, 3 }, new[] { 3, 3, 3, 3 }, new[] { 1, 1, 1, 1 },
    };

    [Theory]
    [MemberData(nameof(FixedShapes))]
    public void MatchesSortOracleOnFiniteValues(int[] shape)
    {
        float[] x = RandomTensor(shape, seed: shape.Sum() * 31 + shape.Length);
        AssertMatchesOracle(x, shape);
    }

    [Fact]
    public void MatchesSortOracleOnRandomSmallShapes()
    {
        var rng = new Random(7);
        for (int trial = 0; trial < 300; trial++)
        {
            int[] shape = [.. Enumerable.Range(0, rng.Next(1, 5)).Select(_ => rng.Next(1, 7))];
            float[] x = RandomTensor(shape, seed: trial);
            AssertMatchesOracle(x, shape);
        }
    }

    [Fact]
    public void InfinitiesAndManyTiesMatchOracle()
    {
        var rng = new Random(11);
        float[] pool = [float.PositiveInfinity, float.NegativeInfinity, 0f, 1f, -1f, 2.5f, float.Epsilon, -float.MaxValue];
        for (int trial = 0; trial < 200; trial++)
        {
            int[] shape = [.. Enumerable.Range(0, rng.Next(1, 5)).Select(_ => rng.Next(1, 7))];
            float[] x = new float[shape.Aggregate(1, (p, n) => p * n)];
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = pool[rng.Next(pool.Length)];
            }

            AssertMatchesOracle(x, shape);
        }
    }

    /// <summary>
    /// With NaN and −0 the fast networks defer to scipy's quickselect; the result must equal running that
    /// quickselect on every element (the goldens pin the quickselect itself to scipy).
    /// </summary>
    [Fact]
    public void NaNAndSignedZerosFollowScipyQuickselectEverywhere()
    {
        var rng = new Random(5);
        float[] pool = [0f, -0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1f, -1f, 2f];
        for (int trial = 0; trial < 300; trial++)
        {
            int[] shape = [.. Enumerable.Range(0, rng.Next(1, 5)).Select(_ => rng.Next(1, 6))];
            float[] x = new float[shape.Aggregate(1, (p, n) => p * n)];
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = rng.Next(3) == 0 ? pool[rng.Next(pool.Length)] : rng.Next(2) == 0 ? 0f : -0f;
            }

            var expected = new float[x.Length];
            var layout = new FilterShape(shape, x.Length, x.Length);
            var buffer = new double[(int)Math.Pow(3, shape.Length)];
            var coords = new int[shape.Length];
            for (int q = 0; q < x.Length; q++)
            {
                expected[q] = ScipyRankSelect.MedianAt(x, layout, q, buffer, coords);
            }

            var actual = new float[x.Length];
            MedianFilter.Apply(x, actual, shape);
            BitAssert.Identical(expected, actual, $"shape [{string.Join(",", shape)}] trial {trial}");
        }
    }

    [Fact]
    public void ScipyQuickselectOnFiniteValuesIsTheMedian()
    {
        var rng = new Random(3);
        foreach (int size in new[] { 3, 9, 27, 81 })
        {
            for (int trial = 0; trial < 100; trial++)
            {
                double[] values = [.. Enumerable.Range(0, size).Select(_ => (double)rng.Next(-5, 6))];
                double[] sorted = [.. values.Order()];
                Assert.Equal(sorted[size / 2], ScipyRankSelect.Select(values, size / 2));
            }
        }
    }

    [Fact]
    public void ResultDoesNotDependOnThreadCount()
    {
        int[] shape = [40, 36, 3, 3];
        float[] x = RandomTensor(shape, seed: 99);
        x[100] = float.NaN;
        x[2000] = -0f;
        var one = new float[x.Length];
        var all = new float[x.Length];
        MedianFilter.Apply(x, one, shape, maxDegreeOfParallelism: 1);
        MedianFilter.Apply(x, all, shape);
        BitAssert.Identical(one, all, "1 thread vs all cores");
    }

    [Fact]
    public void ScalarIsCopiedAndRankFiveIsExact()
    {
        var scalar = new float[1];
        MedianFilter.Apply([-0f], scalar, []);
        Assert.Equal(0x8000_0000u, BitConverter.SingleToUInt32Bits(scalar[0]));

        int[] shape = [2, 3, 1, 2, 3];
        float[] x = RandomTensor(shape, seed: 4);
        AssertMatchesOracle(x, shape);
    }

    [Fact]
    public void EmptyAndMismatchedShapes()
    {
        MedianFilter.Apply([], [], [0, 5]);
        Assert.Throws<ArgumentException>(() => MedianFilter.Apply(new float[6], new float[6], [2, 2]));
        Assert.Throws<ArgumentException>(() => MedianFilter.Apply(new float[4], new float[4], [-2, -2]));
        float[] same = new float[4];
        Assert.Throws<ArgumentException>(() => MedianFilter.Apply(same, same, [4]));
    }

    internal static float[] RandomTensor(int[] shape, int seed)
    {
        var rng = new Random(seed);
        var x = new float[shape.Aggregate(1, (p, n) => p * n)];
        for (int i = 0; i < x.Length; i++)
        {
            // Few distinct values so ties occur, mixed with full-precision ones.
            x[i] = rng.Next(4) == 0 ? rng.Next(-3, 4) : (float)((rng.NextDouble() * 2) - 1);
        }

        return x;
    }

    private static void AssertMatchesOracle(float[] x, int[] shape)
    {
        var actual = new float[x.Length];
        MedianFilter.Apply(x, actual, shape);
        BitAssert.Identical(FilterOracles.Median(x, shape), actual, $"median of [{string.Join(",", shape)}]");
    }
}
