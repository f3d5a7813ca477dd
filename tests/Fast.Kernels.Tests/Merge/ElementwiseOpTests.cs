using Fast.Kernels.Merge.Operators;
using Fast.Kernels.Simd;
using Fast.Kernels.Tests.Support;
using Xunit;

namespace Fast.Kernels.Tests.Merge;

/// <summary>
/// Every operator through the SIMD driver equals its scalar Invoke element by element, for all lengths 0..257
/// (every vector width's body and overlapping tail), out of place and in place, with special values mixed in.
/// </summary>
[Trait("Isa", "Core")]
public class ElementwiseOpTests
{
    private static readonly float[] s_weights = [0f, 0.25f, 0.3f, 0.49999997f, 0.5f, 0.7f, 1f, -0.2f, 1.5f, -0.5f];

    [Fact]
    public void Binary_operators_match_scalar_at_every_length()
    {
        foreach (float w in s_weights)
        {
            CheckBinary(new LerpOperator(w), $"lerp {w}");
            CheckBinary(new AddScaledOperator(w), $"addScaled {w}");
            CheckBinary(new ScaledSumOperator(w, 1.25f - w), $"scaledSum {w}");
        }

        CheckBinary(default(SubtractOperator), "subtract");
    }

    [Fact]
    public void Ternary_operators_match_scalar_at_every_length()
    {
        foreach (float w in s_weights)
        {
            CheckTernary(new TrainDifferenceOperator(MergeKernels.TrainDifferenceFactor(w)), $"trainDifference {w}");
            CheckTernary(new SumTwiceOperator(w, 0.3f), $"sumTwice {w}");
            CheckTernary(MergeKernels.TripleLerp(w, 0.3), $"tripleLerp {w}");
            CheckTernary(MergeKernels.TripleLinear(w, -w), $"tripleLinear {w}");
            CheckTernary(new AddDifferenceOperator<F16RoundTrip>(w), $"addDifference f16 {w}");
            CheckTernary(new AddDifferenceOperator<BF16RoundTrip>(w), $"addDifference bf16 {w}");
        }
    }

    [Fact]
    public void TrainDifference_follows_torch_sign_and_where_semantics()
    {
        var op = new TrainDifferenceOperator(1f);
        Assert.Equal(2f, op.Invoke(2f, 1f, 1f));            // B == C: dist0 = 0, sign 0 -> A unchanged
        Assert.Equal(1f, op.Invoke(1f, 1f, 1f));            // sum = 0 -> scale 0
        Assert.True(float.IsNaN(op.Invoke(0f, float.NaN, 0f)));
        Assert.Equal(0x0000_0000u, BitConverter.SingleToUInt32Bits(op.Invoke(-0f, 1f, 1f))); // -0 + (+0·k) = +0
        // B − C = 2, |B − A| = 1: scale = 1/3, new = 2/3
        Assert.Equal(0f + ((1f / 3f) * 2f), op.Invoke(0f, 1f, -1f));
    }

    [Fact]
    public void Partial_overlap_is_rejected()
    {
        float[] buffer = new float[40];
        Assert.Throws<ArgumentException>(() => MergeKernels.Lerp(buffer.AsSpan(0, 32), buffer.AsSpan(0, 32), 0.5f, buffer.AsSpan(4, 32)));
        Assert.Throws<ArgumentException>(() => MergeKernels.Lerp(new float[3], new float[4], 0.5f, new float[3]));
    }

    private static void CheckBinary<TOp>(TOp op, string name)
        where TOp : struct, IBinaryOperator
    {
        for (int n = 0; n <= 257; n++)
        {
            float[] x = TestData.Random(n, seed: n);
            float[] y = TestData.Random(n, seed: n + 1000);
            var expected = new float[n];
            for (int i = 0; i < n; i++)
            {
                expected[i] = op.Invoke(x[i], y[i]);
            }

            var actual = new float[n];
            ElementwiseDriver.Run<TOp>(x, y, actual, op);
            Bits.AssertSame(expected, actual, $"{name} n={n}");

            float[] inPlaceX = (float[])x.Clone();
            ElementwiseDriver.Run<TOp>(inPlaceX, y, inPlaceX, op);
            Bits.AssertSame(expected, inPlaceX, $"{name} n={n} in place (x)");

            float[] inPlaceY = (float[])y.Clone();
            ElementwiseDriver.Run<TOp>(x, inPlaceY, inPlaceY, op);
            Bits.AssertSame(expected, inPlaceY, $"{name} n={n} in place (y)");
        }
    }

    private static void CheckTernary<TOp>(TOp op, string name)
        where TOp : struct, ITernaryOperator
    {
        for (int n = 0; n <= 257; n++)
        {
            float[] x = TestData.Random(n, seed: n);
            float[] y = TestData.Random(n, seed: n + 1000);
            float[] z = TestData.Random(n, seed: n + 2000);
            if (n > 10)
            {
                Array.Copy(y, 3, z, 3, 5); // some B == C elements
            }

            var expected = new float[n];
            for (int i = 0; i < n; i++)
            {
                expected[i] = op.Invoke(x[i], y[i], z[i]);
            }

            var actual = new float[n];
            ElementwiseDriver.Run<TOp>(x, y, z, actual, op);
            Bits.AssertSame(expected, actual, $"{name} n={n}");

            float[] inPlace = (float[])x.Clone();
            ElementwiseDriver.Run<TOp>(inPlace, y, z, inPlace, op);
            Bits.AssertSame(expected, inPlace, $"{name} n={n} in place (x)");

            inPlace = (float[])z.Clone();
            ElementwiseDriver.Run<TOp>(x, y, inPlace, inPlace, op);
            Bits.AssertSame(expected, inPlace, $"{name} n={n} in place (z)");
        }
    }
}
