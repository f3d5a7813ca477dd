using System.Runtime.Intrinsics;
using Fast.Kernels;
using Fast.Kernels.Attention;
using Fast.Kernels.Tests.Support;
using Xunit;

namespace Fast.Kernels.Tests.Attention;

/// <summary>The value-level quirks of SPEC §7 and §13.6, each on hand-made inputs with known answers.</summary>
public sealed class SlothfulQuirkTests
{
    private static float[] Pool(SlothfulPlan plan, float[] x, int batch, int c, LerpPolicy lerp = LerpPolicy.Fused)
    {
        var k = new float[SlothfulPooling.OutputElements(plan, batch, c)];
        SlothfulPooling.Pool(plan, x, batch, c, k, plan.VSameAsK ? [] : new float[k.Length], lerp, maxThreads: 1);
        return k;
    }

    /// <summary>One batch item, <paramref name="c"/> channels all holding the same value per token.</summary>
    private static float[] Tokens(int c, params float[] values) => values.SelectMany(v => Enumerable.Repeat(v, c)).ToArray();

    [Theory]
    [InlineData(SlothfulCompat.Fixed, 0.0)]
    [InlineData(SlothfulCompat.Original2023, 1.0)]
    [InlineData(SlothfulCompat.Nearsighted2025, 0.0)]
    public void The_one_sample_turns_minus_zero_into_plus_zero(SlothfulCompat compat, double blend)
    {
        // 21 channels: vector lanes and the scalar tail. 1D s = 2, every window starts at −0.
        float[] x = Tokens(21, -0f, 1f, -0f, 2f);
        SlothfulPlan plan = SlothfulPlan.ForStride(2, SlothfulMode.Max1D, blend, blend, 4, null, compat);
        float[] k = Pool(plan, x, 1, 21);
        Assert.Equal(compat != SlothfulCompat.Fixed, plan.UseShortcut);       // 2023 at k=v=1 and 2025 at 0: the sample itself
        float[] expected = Tokens(21, 0f, 0f);
        Assert.Equal(expected.Select(BitConverter.SingleToUInt32Bits), k.Select(BitConverter.SingleToUInt32Bits));
        Assert.All(k, v => Assert.False(float.IsNegative(v)));
    }

    [Fact]
    public void Stride_at_most_one_passes_x_through_unchanged()
    {
        float[] x = Tokens(5, -0f, 3f, float.NaN, -7f);
        SlothfulPlan plan = SlothfulPlan.ForStride(1.0, SlothfulMode.Avg2D, 0.3, 0.7, 4, (2, 2), SlothfulCompat.Fixed);
        Assert.False(plan.Pooled);
        Assert.Equal(4, plan.M);
        float[] k = new float[x.Length], v = new float[x.Length];
        SlothfulPooling.Pool(plan, x, 1, 5, k, v);
        Assert.Equal(x.Select(BitConverter.SingleToUInt32Bits), k.Select(BitConverter.SingleToUInt32Bits));   // −0 stays −0
        Assert.Equal(x.Select(BitConverter.SingleToUInt32Bits), v.Select(BitConverter.SingleToUInt32Bits));
    }

    [Theory]
    [InlineData(-0f, 0f, 0x80000000u)]       // first of a ±0 tie wins
    [InlineData(0f, -0f, 0x00000000u)]
    public void Max_keeps_the_first_of_ties(float second, float third, uint expectedBits)
    {
        // Window [−1, second, third], blend 1: K = fma(−d, 0, pool) with d = pool + 1 ≥ 0, so K carries pool's sign.
        float[] x = Tokens(19, -1f, second, third);
        SlothfulPlan plan = SlothfulPlan.ForStride(3, SlothfulMode.Max1D, 1, 1, 3, null, SlothfulCompat.Fixed);
        float[] k = Pool(plan, x, 1, 19);
        Assert.All(k, v => Assert.Equal(expectedBits, BitConverter.SingleToUInt32Bits(v)));
    }

    [Fact]
    public void Max_propagates_nan_even_before_larger_values()
    {
        float[] x = Tokens(19, 1f, float.NaN, 5f, 7f);
        SlothfulPlan plan = SlothfulPlan.ForStride(4, SlothfulMode.Max1D, 0.7, 0.7, 4, null, SlothfulCompat.Fixed);
        Assert.All(Pool(plan, x, 1, 19), v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void Max_step_lets_the_last_nan_win_at_every_width()
    {
        float nanA = BitConverter.UInt32BitsToSingle(0x7FC00001), nanB = BitConverter.UInt32BitsToSingle(0x7FC00002);
        float[] window = [1f, nanA, 9f, nanB, 3f];
        float m1 = float.NegativeInfinity;
        Vector128<float> m4 = Vector128.Create(float.NegativeInfinity);
        Vector256<float> m8 = Vector256.Create(float.NegativeInfinity);
        Vector512<float> m16 = Vector512.Create(float.NegativeInfinity);
        foreach (float e in window)
        {
            m1 = Lanes1.MaxStep(m1, e);
            m4 = Lanes128.MaxStep(m4, Vector128.Create(e));
            m8 = Lanes256.MaxStep(m8, Vector256.Create(e));
            m16 = Lanes512.MaxStep(m16, Vector512.Create(e));
        }

        Assert.Equal(0x7FC00002u, BitConverter.SingleToUInt32Bits(m1));
        Assert.Equal(0x7FC00002u, BitConverter.SingleToUInt32Bits(m4.GetElement(3)));
        Assert.Equal(0x7FC00002u, BitConverter.SingleToUInt32Bits(m8.GetElement(7)));
        Assert.Equal(0x7FC00002u, BitConverter.SingleToUInt32Bits(m16.GetElement(15)));
    }

    [Theory]
    [InlineData(ElementType.F16)]
    [InlineData(ElementType.BF16)]
    public void Sixteen_bit_max_decides_ties_infinities_and_nans_as_the_float_steps(ElementType type)
    {
        // The 16-bit max compares patterns, not floats: windows full of ±0, ±∞, NaNs of both signs and equal values.
        // C = 45 reaches every vector width and the scalar tail; 2×2 and 3×2 windows over a 6×4 grid.
        const int H = 6, W = 4, C = 45;
        float[] pool = [0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, -float.NaN, 1f, -1f, 65504f, -2f, 0.5f];
        var rng = new Random(11);
        float[] x = Enumerable.Range(0, H * W * C).Select(_ => pool[rng.Next(pool.Length)]).ToArray();
        foreach ((double stride, double kb, double vb) in new[] { (4.0, 1.0, 0.3), (6.0, 0.7, 1.0), (4.0, 0.0, 0.5) })
        {
            SlothfulPlan plan = SlothfulPlan.ForStride(stride, SlothfulMode.Max2D, kb, vb, H * W, (H, W), SlothfulCompat.Fixed);
            (float[] ek, float[] ev) = SlothfulScalarReference.Pool(plan, type, x, 1, C, fused: true);
            byte[] k = new byte[SlothfulPooling.OutputElements(plan, 1, C) * 2], v = new byte[k.Length];
            SlothfulPooling.Pool(plan, type, SlothfulBuffers.Store(type, x), 1, C, k, v, LerpPolicy.Fused, maxThreads: 1);
            Bits.AssertSame(ek, SlothfulBuffers.Load(type, k), $"{type} stride {stride} K");
            Bits.AssertSame(ev, SlothfulBuffers.Load(type, v), $"{type} stride {stride} V");
        }
    }

    [Fact]
    public void One_d_windows_cross_grid_rows()
    {
        // A 4×5 grid, s = 3: window 1 covers tokens 3, 4 (row 0) and 5 (row 1); the last 20 mod 3 = 2 tokens are dropped.
        float[] x = Tokens(9, Enumerable.Range(0, 20).Select(i => (float)(i * i)).ToArray());
        SlothfulPlan plan = SlothfulPlan.ForStride(2.5, SlothfulMode.Avg1D, 1, 1, 20, (4, 5), SlothfulCompat.Fixed);
        Assert.Equal((3, 6), (plan.S, plan.M));
        float[] k = Pool(plan, x, 1, 9);
        Assert.All(k.AsSpan(9, 9).ToArray(), v => Assert.Equal((9f + 16f + 25f) / 3f, v));
        Assert.All(k.AsSpan(45, 9).ToArray(), v => Assert.Equal((225f + 256f + 289f) / 3f, v));
    }

    [Fact]
    public void Avg_sums_in_window_order_and_divides()
    {
        // 1e8 + 1 − 1e8 + ... : order matters in binary32. Row-major 2×2 window [1e8, 1; −1e8, 1] → ((1e8+1)−1e8)+1 = 1, / 4.
        float[] x = Tokens(3, 1e8f, 1f, -1e8f, 1f);
        SlothfulPlan plan = SlothfulPlan.ForStride(4, SlothfulMode.Avg2D, 1, 1, 4, (2, 2), SlothfulCompat.Fixed);
        Assert.Equal((2, 2), (plan.Sy, plan.Sx));
        Assert.All(Pool(plan, x, 1, 3), v => Assert.Equal(0.25f, v));
    }

    [Fact]
    public void Fused_and_unfused_lerp_differ_where_the_spec_says()
    {
        // The reference's FMA probe: lerp(1, bits 1066455191, 0.3) is 1.0394097566604614 fused, 1.0394096374511719 unfused.
        float b = BitConverter.UInt32BitsToSingle(1066455191);
        Assert.Equal(1.0394097566604614, SlothfulScalarReference.Lerp(1f, b, 0.3f, fused: true));
        float[] x = Tokens(7, 1f, b);
        SlothfulPlan plan = SlothfulPlan.ForStride(2, SlothfulMode.Max1D, 0.3, 0.3, 2, null, SlothfulCompat.Fixed);
        Assert.All(Pool(plan, x, 1, 7, LerpPolicy.Fused), v => Assert.Equal(1.0394097566604614, v));
        Assert.All(Pool(plan, x, 1, 7, LerpPolicy.Unfused), v => Assert.Equal(1.0394096374511719, v));
    }

    [Fact]
    public void Bf16_rounds_after_the_pool_and_again_after_the_lerp()
    {
        float[] x = SlothfulBuffers.Random(ElementType.BF16, 4 * 11, 3);
        SlothfulPlan plan = SlothfulPlan.ForStride(3, SlothfulMode.Avg1D, 0.3, 0.3, 4, null, SlothfulCompat.Fixed);
        (float[] expected, _) = SlothfulScalarReference.Pool(plan, ElementType.BF16, x, 1, 11, fused: true);
        byte[] k = new byte[11 * 2];
        SlothfulPooling.Pool(plan, ElementType.BF16, SlothfulBuffers.Store(ElementType.BF16, x), 1, 11, k, []);
        Assert.Equal(expected, SlothfulBuffers.Load(ElementType.BF16, k));
    }
}
