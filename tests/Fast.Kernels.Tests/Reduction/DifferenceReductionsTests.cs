using Fast.Kernels.Tests.Support;
using Xunit;

namespace Fast.Kernels.Tests.Reduction;

/// <summary>
/// The diff sums: the documented 16-lane layout bit for bit (so every ISA level of the matrix gives the same bits),
/// within 1e-12 of a plain double-precision oracle, the same sums whether the elements come as binary32 or stored
/// fp16/bf16, and NaN made visible rather than hidden by the maximum.
/// </summary>
[Trait("Isa", "Core")]
public class DifferenceReductionsTests
{
    public static TheoryData<int> Lengths() => [0, 1, 15, 16, 17, 31, 257, 1023, 1025, 65_535, 65_536, 65_537, 140_001];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Sums_equal_the_lane_model_bit_for_bit_and_a_double_oracle(int n)
    {
        float[] a = TestData.Random(n, n + 7, withSpecials: false);
        float[] b = TestData.Random(n, n + 8, withSpecials: false);
        DifferenceSums sums = DifferenceReductions.Sums(a, b);
        DifferenceSums lanes = LaneModel(a, b);
        Assert.Equal(lanes, sums);

        // The dot product and the squares are Reductions.Dot's own bits.
        Assert.Equal(Reductions.Dot(a, b), sums.Dot);
        Assert.Equal(Reductions.Dot(a, a), sums.SquaresA);
        Assert.Equal(Reductions.Dot(b, b), sums.SquaresB);

        (double dot, double aa, double bb, double dd, double max) = PlainDouble(a, b);
        AssertClose(dot, sums.Dot);
        AssertClose(aa, sums.SquaresA);
        AssertClose(bb, sums.SquaresB);
        AssertClose(dd, sums.SquaredDifference);
        Assert.Equal(max, sums.MaxAbsDifference);
        Assert.Equal(n, sums.Count);
    }

    [Theory]
    [InlineData(ElementType.F16)]
    [InlineData(ElementType.BF16)]
    [InlineData(ElementType.F32)]
    [InlineData(ElementType.F8E4M3)]
    public void Stored_block_sums_equal_the_sums_of_the_widened_values(ElementType type)
    {
        const int N = (2 * Reductions.BlockElements) + 1037;
        float[] a = TestData.Random(N, 11, withSpecials: false).Select(v => v * 0.25f).ToArray();
        float[] b = TestData.Random(N, 12, withSpecials: false).Select(v => v * 0.25f).ToArray();
        byte[] sa = new byte[N * ElementTypeInfo.SizeOf(type)];
        byte[] sb = new byte[N * ElementTypeInfo.SizeOf(ElementType.F16)];
        ElementConvert.Narrow(a, sa, type);
        ElementConvert.Narrow(b, sb, ElementType.F16);
        float[] wa = new float[N];
        float[] wb = new float[N];
        ElementConvert.Widen(sa, type, wa);
        ElementConvert.Widen(sb, ElementType.F16, wb);

        var blocks = new DifferenceSums[DifferenceReductions.BlockCount(N)];
        DifferenceReductions.BlockSums(sa, type, sb, ElementType.F16, blocks);
        Assert.Equal(3, blocks.Length);
        Assert.Equal(DifferenceReductions.Sums(wa, wb), DifferenceSums.Total(blocks));
        Assert.Equal(LaneModel(wa, wb), DifferenceSums.Total(blocks));
    }

    [Fact]
    public void Identical_tensors_have_zero_difference_and_cosine_one()
    {
        float[] a = TestData.Random(5000, 3, withSpecials: false);
        DifferenceSums sums = DifferenceReductions.Sums(a, a);
        Assert.Equal(0, sums.SquaredDifference);
        Assert.Equal(0, sums.MaxAbsDifference);
        Assert.Equal(0, sums.RelativeL2Difference);
        Assert.Equal(1.0, sums.Cosine, 12);
    }

    [Fact]
    public void A_nan_difference_makes_the_maximum_nan_wherever_it_is()
    {
        foreach (int at in new[] { 0, 5, 16, 100, 4095 })
        {
            float[] a = TestData.Random(4096, 1, withSpecials: false);
            float[] b = (float[])a.Clone();
            b[at] = float.NaN;
            b[(at + 1) % 4096] += 1000;
            DifferenceSums sums = DifferenceReductions.Sums(a, b);
            Assert.True(double.IsNaN(sums.MaxAbsDifference), $"NaN at {at}");
            Assert.True(double.IsNaN(sums.SquaredDifference));
        }
    }

    [Fact]
    public void Mismatched_lengths_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => DifferenceReductions.Sums(new float[3], new float[4]));
        Assert.Throws<ArgumentException>(() => DifferenceReductions.BlockSums(new byte[4], ElementType.F16, new byte[4], ElementType.F16, new DifferenceSums[2]));
    }

    // The documented layout written out the slow way: per 65,536-element block, element i on lane i mod 16.
    private static DifferenceSums LaneModel(float[] a, float[] b)
    {
        var total = default(DifferenceSums);
        for (int start = 0; start < a.Length; start += Reductions.BlockElements)
        {
            var dot = new double[16];
            var aa = new double[16];
            var bb = new double[16];
            var dd = new double[16];
            double max = 0;
            int end = Math.Min(a.Length, start + Reductions.BlockElements);
            for (int i = start; i < end; i++)
            {
                int lane = (i - start) % 16;
                double x = a[i], y = b[i], d = x - y;
                dot[lane] += x * y;
                aa[lane] += x * x;
                bb[lane] += y * y;
                dd[lane] += d * d;
                max = Math.Max(max, Math.Abs(d));
            }

            total = total.Then(new DifferenceSums(InOrder(dot), InOrder(aa), InOrder(bb), InOrder(dd), max, end - start));
        }

        return total;
    }

    private static double InOrder(double[] lanes)
    {
        double sum = 0;
        foreach (double lane in lanes)
        {
            sum += lane;
        }

        return sum;
    }

    private static (double Dot, double Aa, double Bb, double Dd, double Max) PlainDouble(float[] a, float[] b)
    {
        double dot = 0, aa = 0, bb = 0, dd = 0, max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double x = a[i], y = b[i], d = x - y;
            dot += x * y;
            aa += x * x;
            bb += y * y;
            dd += d * d;
            max = Math.Max(max, Math.Abs(d));
        }

        return (dot, aa, bb, dd, max);
    }

    private static void AssertClose(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= (1e-12 * Math.Max(1, Math.Abs(expected))) + 1e-15, $"expected {expected:R}, got {actual:R}");
}
