using Fast.Kernels.LowRank;
using Xunit;

namespace Fast.Kernels.Tests.LowRank;

/// <summary>
/// The blocked SIMD low-rank update against two oracles: a scalar transcription of the same per-element arithmetic
/// (bit for bit, at every width the ISA matrix selects) and a double-precision product (error bound).
/// </summary>
[Trait("Isa", "Core")]
public class LowRankUpdateTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 0, 4, 7 },
        { 1, 1, 1 },
        { 3, 4, 5 },
        { 7, 8, 17 },
        { 5, 4, 63 },
        { 9, 16, 64 },
        { 4, 32, 65 },
        { 6, 1, 130 },
        { 3, 12, 511 },
        { 2, 8, 513 },
        { 3, 4, 1031 },
        { 17, 32, 3 * 512 + 7 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Rounded_is_bit_identical_to_the_scalar_oracle(int rows, int rank, int columns) =>
        AssertMatchesScalar(rows, rank, columns, LowRankSum.Rounded);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Fused_is_bit_identical_to_the_scalar_oracle(int rows, int rank, int columns) =>
        AssertMatchesScalar(rows, rank, columns, LowRankSum.Fused);

    [Theory]
    [InlineData(LowRankSum.Rounded)]
    [InlineData(LowRankSum.Fused)]
    public void Is_within_the_float32_error_bound_of_a_double_product(LowRankSum sum)
    {
        const int rows = 13, rank = 32, columns = 777;
        var (target, up, down) = Inputs(rows, rank, columns, seed: 7);
        float ratio = 0.8f, scale = 0.5f;
        float[] actual = (float[])target.Clone();
        LowRankUpdate.Apply(actual, up, down, rows, rank, columns, ratio, scale, sum);
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                double dot = 0, magnitude = 0;
                for (int k = 0; k < rank; k++)
                {
                    dot += (double)up[(i * rank) + k] * down[(k * columns) + j];
                    magnitude += Math.Abs((double)up[(i * rank) + k] * down[(k * columns) + j]);
                }

                double exact = target[(i * columns) + j] + (dot * ratio * scale);

                // rank+2 roundings of at most 2^-24 relative each on the sum of magnitudes, plus the final addition's.
                double bound = ((rank + 3) * Math.Pow(2, -24) * ((magnitude * ratio * scale) + Math.Abs(target[(i * columns) + j]))) + Math.Abs(exact * Math.Pow(2, -24));
                Assert.True(Math.Abs(actual[(i * columns) + j] - exact) <= bound, $"[{i},{j}]: {actual[(i * columns) + j]} vs {exact}");
            }
        }
    }

    [Fact]
    public void Rounded_and_fused_differ_only_in_the_last_bits()
    {
        var (target, up, down) = Inputs(8, 16, 300, seed: 3);
        float[] rounded = (float[])target.Clone(), fused = (float[])target.Clone();
        LowRankUpdate.Apply(rounded, up, down, 8, 16, 300, 1f, 1f, LowRankSum.Rounded);
        LowRankUpdate.Apply(fused, up, down, 8, 16, 300, 1f, 1f, LowRankSum.Fused);
        Assert.NotEqual(rounded, fused); // the choice is real: torch's matmul and conv2d round differently
        for (int i = 0; i < rounded.Length; i++)
        {
            Assert.True(Math.Abs(rounded[i] - fused[i]) <= 1e-5f * (1 + Math.Abs(rounded[i])));
        }
    }

    [Fact]
    public void Short_spans_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => LowRankUpdate.Apply(new float[5], new float[2], new float[6], 2, 1, 3, 1f, 1f));
        Assert.Throws<ArgumentException>(() => LowRankUpdate.Apply(new float[6], new float[1], new float[6], 2, 1, 3, 1f, 1f));
        Assert.Throws<ArgumentException>(() => LowRankUpdate.Apply(new float[6], new float[2], new float[2], 2, 1, 3, 1f, 1f));
    }

    [Fact]
    public void Special_values_propagate_like_the_scalar_oracle()
    {
        const int rows = 2, rank = 3, columns = 40;
        var (target, up, down) = Inputs(rows, rank, columns, seed: 11);
        down[5] = float.NaN;
        down[columns + 9] = float.PositiveInfinity;
        up[1] = -0f;
        target[17] = float.NegativeInfinity;
        target[18] = -0f;
        down[(2 * columns) + 30] = 1e-42f; // subnormal
        foreach (LowRankSum sum in new[] { LowRankSum.Rounded, LowRankSum.Fused })
        {
            float[] actual = (float[])target.Clone(), expected = (float[])target.Clone();
            LowRankUpdate.Apply(actual, up, down, rows, rank, columns, 0.3f, 2f, sum);
            Scalar(expected, up, down, rows, rank, columns, 0.3f, 2f, sum);
            Assert.Equal(Bits(expected), Bits(actual));
        }
    }

    private static void AssertMatchesScalar(int rows, int rank, int columns, LowRankSum sum)
    {
        var (target, up, down) = Inputs(rows, rank, columns, seed: rows * 1000 + columns);
        float[] actual = (float[])target.Clone(), expected = (float[])target.Clone();
        LowRankUpdate.Apply(actual, up, down, rows, rank, columns, 0.7f, 0.25f, sum);
        Scalar(expected, up, down, rows, rank, columns, 0.7f, 0.25f, sum);
        Assert.Equal(Bits(expected), Bits(actual));
    }

    /// <summary>The oracle: one element at a time, k in order, the rounding of torch's expression.</summary>
    private static void Scalar(float[] target, float[] up, float[] down, int rows, int rank, int columns, float ratio, float scale, LowRankSum sum)
    {
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                float dot = 0f;
                for (int k = 0; k < rank; k++)
                {
                    float a = up[(i * rank) + k], b = down[(k * columns) + j];
                    dot = sum == LowRankSum.Fused ? MathF.FusedMultiplyAdd(a, b, dot) : dot + (a * b);
                }

                float delta = dot * ratio;
                delta *= scale;
                target[(i * columns) + j] += delta;
            }
        }
    }

    private static (float[] Target, float[] Up, float[] Down) Inputs(int rows, int rank, int columns, int seed)
    {
        var random = new Random(seed);
        float Next() => (float)((random.NextDouble() * 2) - 1);
        return (
            Enumerable.Range(0, rows * columns).Select(_ => Next()).ToArray(),
            Enumerable.Range(0, rows * rank).Select(_ => Next() * 0.1f).ToArray(),
            Enumerable.Range(0, rank * columns).Select(_ => Next() * 0.1f).ToArray());
    }

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
