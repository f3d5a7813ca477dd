using Xunit;
using System.Globalization;
using Fast.Kernels.Filters;

namespace Fast.Kernels.Tests.Filters;

[Trait("Isa", "Core")]
public sealed class GaussianFilterTests
{
    /// <summary>SPEC §4 taps, centre first then distance 1..4 (the kernel is symmetric).</summary>
    private static readonly string[] s_specTaps =
        ["0x1.9884a307594fbp-2", "0x1.ef8eb9ad499bap-3", "0x1.ba4b99d1799abp-5", "0x1.22724cb7eb269p-8", "0x1.18a9c4fd536c6p-13"];

    internal static double[] SpecTaps() => [.. s_specTaps.Select(ParseHexDouble)];

    [Fact]
    public void TapsAreTheSpecHexValues()
    {
        double[] spec = SpecTaps();
        double[] ours = [GaussianTaps.W0, GaussianTaps.W1, GaussianTaps.W2, GaussianTaps.W3, GaussianTaps.W4];
        Assert.Equal(spec.Select(BitConverter.DoubleToInt64Bits), ours.Select(BitConverter.DoubleToInt64Bits));
    }

    /// <summary>
    /// scipy's _gaussian_kernel1d: exp(−x²/2) normalised by its sum. With a correctly rounded exp (glibc, which
    /// Math.Exp calls here) that gives the SPEC taps; numpy's AVX-512 exp differs by one ulp (see golden_filters.py).
    /// </summary>
    [Fact]
    public void TapsAreTheNormalisedGaussian()
    {
        double[] phi = [.. Enumerable.Range(-4, 9).Select(x => Math.Exp(-0.5 * x * x))];
        double sum = 0;
        foreach (double v in phi)
        {
            sum += v;
        }

        double[] spec = SpecTaps();
        for (int j = 0; j <= 4; j++)
        {
            Assert.Equal(spec[j], phi[4 + j] / sum, 1e-17);
        }
    }

    public static TheoryData<int[]> FixedShapes() => new()
    {
        new[] { 1 }, new[] { 2 }, new[] { 3 }, new[] { 4 }, new[] { 5 }, new[] { 9 }, new[] { 16 }, new[] { 1280 },
        new[] { 1, 1 }, new[] { 3, 17 }, new[] { 33, 70 }, new[] { 70, 33 },
        new[] { 2, 1, 3 }, new[] { 5, 6, 11 }, new[] { 8, 9, 3, 3 }, new[] { 5, 4, 1, 1 }, new[] { 24, 20, 3, 3 }, new[] { 2, 3, 4, 5, 2 },
    };

    [Theory]
    [MemberData(nameof(FixedShapes))]
    public void MatchesDirectFormula(int[] shape)
    {
        float[] x = MedianFilterTests.RandomTensor(shape, seed: shape.Sum());
        AssertMatchesOracle(x, shape);
    }

    [Fact]
    public void MatchesDirectFormulaOnRandomSmallShapesAndSpecialValues()
    {
        var rng = new Random(17);
        float[] pool = [0f, -0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, float.MaxValue, 1e-30f];
        for (int trial = 0; trial < 300; trial++)
        {
            int[] shape = [.. Enumerable.Range(0, rng.Next(1, 5)).Select(_ => rng.Next(1, 7))];
            float[] x = MedianFilterTests.RandomTensor(shape, seed: 1000 + trial);
            for (int i = 0; i < x.Length; i++)
            {
                if (rng.Next(8) == 0)
                {
                    x[i] = pool[rng.Next(pool.Length)];
                }
            }

            AssertMatchesOracle(x, shape);
        }
    }

    [Fact]
    public void ResultDoesNotDependOnThreadCount()
    {
        int[] shape = [64, 40, 3, 3];
        float[] x = MedianFilterTests.RandomTensor(shape, seed: 8);
        var one = new float[x.Length];
        var all = new float[x.Length];
        GaussianFilter.Apply(x, one, shape, maxDegreeOfParallelism: 1);
        GaussianFilter.Apply(x, all, shape);
        BitAssert.Identical(one, all, "1 thread vs all cores");
    }

    [Fact]
    public void ScalarIsCopiedAndBadShapesThrow()
    {
        var y = new float[1];
        GaussianFilter.Apply([3.5f], y, []);
        Assert.Equal(3.5f, y[0]);
        Assert.Throws<ArgumentException>(() => GaussianFilter.Apply(new float[5], new float[5], [2, 2]));
    }

    private static void AssertMatchesOracle(float[] x, int[] shape)
    {
        double[] spec = SpecTaps();
        var actual = new float[x.Length];
        GaussianFilter.Apply(x, actual, shape);
        BitAssert.IdenticalUpToNaNPayload(FilterOracles.Gaussian(x, shape, spec), actual, $"gaussian of [{string.Join(",", shape)}]");
    }

    /// <summary>Parses C99 hexadecimal floating notation 0x1.hhhhhhhhhhhhhp±e (normal doubles only).</summary>
    private static double ParseHexDouble(string text)
    {
        int p = text.IndexOf('p', StringComparison.Ordinal);
        string mantissa = text[4..p].PadRight(13, '0');
        long fraction = long.Parse(mantissa, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        int exponent = int.Parse(text[(p + 1)..], CultureInfo.InvariantCulture);
        return BitConverter.Int64BitsToDouble(((long)(exponent + 1023) << 52) | fraction);
    }
}
