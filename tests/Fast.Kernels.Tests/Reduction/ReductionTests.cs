using Fast.Kernels.Tests.Support;
using Xunit;

namespace Fast.Kernels.Tests.Reduction;

/// <summary>Reductions: fixed 16-lane layout (bit-identical at every SIMD width), double accuracy, torch equality semantics.</summary>
[Trait("Isa", "Core")]
public class ReductionTests
{
    [Fact]
    public void Dot_equals_the_documented_lane_layout_bit_for_bit()
    {
        foreach (int n in new[] { 0, 1, 15, 16, 17, 257, 70_000, 140_001 })
        {
            float[] x = TestData.Random(n, n, withSpecials: false);
            float[] y = TestData.Random(n, n + 1, withSpecials: false);
            Assert.Equal(LaneModel(x, y), Reductions.Dot(x, y));
            double naive = 0;
            for (int i = 0; i < n; i++)
            {
                naive += (double)x[i] * y[i];
            }

            Assert.True(Math.Abs(naive - Reductions.Dot(x, y)) <= 1e-12 * Math.Max(1, Math.Abs(naive)) + 1e-15);
        }
    }

    [Fact]
    public void AllEqual_uses_IEEE_equality()
    {
        float[] x = TestData.Random(101, 3, withSpecials: false);
        Assert.True(Reductions.AllEqual(x, (float[])x.Clone()));
        float[] y = (float[])x.Clone();
        y[100] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(y[100]) + 1);
        Assert.False(Reductions.AllEqual(x, y));
        Assert.True(Reductions.AllEqual(new[] { 0f }, new[] { -0f }));
        Assert.False(Reductions.AllEqual(new[] { float.NaN }, new[] { float.NaN }));
        var xb = new byte[202];
        ElementConvert.Narrow(x, xb, ElementType.F16);
        Assert.True(Reductions.AllEqual(xb, ElementType.F16, (byte[])xb.Clone(), ElementType.F16));
    }

    [Fact]
    public void Column_and_row_sums_and_cosine()
    {
        float[] x = [1, 2, 3, 4, 5, 6];
        float[] y = [1, 0, 1, 0, 1, 0];
        var dot = new double[3];
        var xx = new double[3];
        var yy = new double[3];
        Reductions.ColumnSums(x, y, 2, 3, dot, xx, yy);
        Assert.Equal(new double[] { 1, 5, 3 }, dot);
        Assert.Equal(new double[] { 17, 29, 45 }, xx);
        var rdot = new double[2];
        var rxx = new double[2];
        var ryy = new double[2];
        Reductions.RowSums(x, y, 2, 3, rdot, rxx, ryy);
        Assert.Equal(new double[] { 4, 5 }, rdot);
        Assert.Equal(1.0, Reductions.CosineFromSums(2, 2, 2), 15);
        Assert.Equal(0.0, Reductions.CosineFromSums(0, 0, 0));
    }

    private static double LaneModel(float[] x, float[] y)
    {
        double total = 0;
        for (int start = 0; start < x.Length; start += Reductions.BlockElements)
        {
            var lanes = new double[16];
            int end = Math.Min(x.Length, start + Reductions.BlockElements);
            for (int i = start; i < end; i++)
            {
                lanes[(i - start) % 16] += (double)x[i] * y[i];
            }

            double sum = 0;
            foreach (double lane in lanes)
            {
                sum += lane;
            }

            total += sum;
        }

        return total;
    }
}
