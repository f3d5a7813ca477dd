using Xunit;
using Fast.Kernels.Filters;

namespace Fast.Kernels.Tests.Filters;

/// <summary>
/// The fused pair keeps the median's output in row order for the Gaussian; it must give exactly what the two
/// filters give one after the other, and what the scalar oracles give.
/// </summary>
[Trait("Isa", "Core")]
public sealed class SmoothingFilterTests
{
    public static TheoryData<int[]> Shapes() => new()
    {
        // Longest axis not last (the fused path), including conv weights and runs longer than 16 rows.
        new[] { 8, 9, 3, 3 }, new[] { 24, 20, 3, 3 }, new[] { 5, 4, 1, 1 }, new[] { 40, 3, 2, 4 }, new[] { 70, 33 },
        new[] { 19, 2, 3 }, new[] { 3, 40, 5 }, new[] { 37, 6, 5 },
        // Above the size where rows are split over threads (32 Ki elements): runs cut at the split points.
        new[] { 64, 60, 3, 3 }, new[] { 300, 4, 5, 6 },
        // Longest axis last, rank 1 and rank 5: the two filters one after the other.
        new[] { 7, 9 }, new[] { 3, 3, 3, 3 }, new[] { 17 }, new[] { 3, 2, 2, 2, 2 }, new[] { 1, 1, 1, 1 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EqualsMedianThenGaussianAndTheOracles(int[] shape)
    {
        float[] x = MedianFilterTests.RandomTensor(shape, seed: (shape.Sum() * 17) + shape.Length);
        foreach (int threads in new[] { 1, 2, -1 })
        {
            AssertSameAsSeparateFilters(x, shape, threads);
        }

        float[] values = (float[])x.Clone();
        SmoothingFilter.Apply(values, new float[x.Length], shape);
        float[] oracle = FilterOracles.Gaussian(FilterOracles.Median(x, shape), shape, GaussianFilterTests.SpecTaps());
        BitAssert.Identical(oracle, values, $"smoothing of [{string.Join(",", shape)}] vs oracles");
    }

    [Fact]
    public void RandomShapesEqualSeparateFilters()
    {
        var rng = new Random(23);
        for (int trial = 0; trial < 150; trial++)
        {
            int[] shape = [.. Enumerable.Range(0, rng.Next(1, 5)).Select(_ => rng.Next(1, 9))];
            AssertSameAsSeparateFilters(MedianFilterTests.RandomTensor(shape, seed: trial), shape, threads: 2);
        }
    }

    [Fact]
    public void NaNAndNegativeZeroTakeTheSeparatePathAndAgree()
    {
        int[] shape = [12, 5, 3, 3];
        float[] x = MedianFilterTests.RandomTensor(shape, seed: 5);
        x[17] = float.NaN;
        x[200] = -0f;
        x[201] = 0f;
        AssertSameAsSeparateFilters(x, shape, threads: 2);
    }

    [Fact]
    public void RejectsOverlapAndWrongLengths()
    {
        var values = new float[18];
        Assert.Throws<ArgumentException>(() => SmoothingFilter.Apply(values, values, [2, 9]));
        Assert.Throws<ArgumentException>(() => SmoothingFilter.Apply(values, new float[17], [2, 9]));
        Assert.Throws<ArgumentException>(() => SmoothingFilter.Apply(values, new float[18], [3, 9]));
        Assert.Throws<ArgumentException>(() => SmoothingFilter.Apply(values, values.AsSpan(1, 17).ToArray(), new float[18], [2, 9]));
        Assert.Throws<ArgumentException>(() => SmoothingFilter.Apply(values.AsSpan(0, 18), values.AsSpan(0, 18), values.AsSpan(0, 18), [2, 9]));
        var big = new float[40];
        Assert.Throws<ArgumentException>(() => SmoothingFilter.Apply(big.AsSpan(0, 18), big.AsSpan(9, 18), new float[18], [2, 9]));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SeparateDestinationLeavesTheSourceAndEqualsInPlace(int[] shape)
    {
        float[] x = MedianFilterTests.RandomTensor(shape, seed: shape.Length + 3);
        float[] source = (float[])x.Clone();
        var destination = new float[x.Length];
        SmoothingFilter.Apply(source, destination, new float[x.Length], shape, 2);
        Assert.Equal(x, source);

        float[] inPlace = (float[])x.Clone();
        SmoothingFilter.Apply(inPlace, new float[x.Length], shape, 2);
        BitAssert.Identical(inPlace, destination, $"smoothing of [{string.Join(",", shape)}] into another span");
    }

    private static void AssertSameAsSeparateFilters(float[] x, int[] shape, int threads)
    {
        var median = new float[x.Length];
        var expected = new float[x.Length];
        MedianFilter.Apply(x, median, shape, threads);
        GaussianFilter.Apply(median, expected, shape, threads);

        float[] values = (float[])x.Clone();
        var scratch = new float[x.Length];
        SmoothingFilter.Apply(values, scratch, shape, threads);
        BitAssert.IdenticalUpToNaNPayload(expected, values, $"smoothing of [{string.Join(",", shape)}], {threads} threads");
    }
}
