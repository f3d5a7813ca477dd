using Fast.Kernels;
using Fast.Kernels.Attention;
using Xunit;

namespace Fast.Kernels.Tests.Attention;

/// <summary>Bad input is a <see cref="SlothfulException"/> with a message that names the problem, never a crash.</summary>
public sealed class SlothfulInputErrorTests
{
    private static readonly SlothfulPlan Plan = SlothfulPlan.ForStride(4, SlothfulMode.Avg2D, 0.3, 0.7, 64, (8, 8), SlothfulCompat.Fixed);

    [Fact]
    public void Depth_zero_is_reported()
    {
        var ex = Assert.Throws<SlothfulException>(() => SlothfulPlan.ForLayer(new SlothfulSettings(), SlothfulBlock.Input, 160, 320, 8, 1, 64, SlothfulGrid.Host(8, 8), SlothfulCompat.Fixed));
        Assert.Contains("depth is 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void N_not_fitting_the_grid_is_reported()
    {
        var ex = Assert.Throws<SlothfulException>(() => SlothfulPlan.ForStride(4, SlothfulMode.Avg2D, 0, 0, 99, (10, 10), SlothfulCompat.Fixed));
        Assert.Contains("do not fit", ex.Message, StringComparison.Ordinal);
        Assert.Throws<SlothfulException>(() => SlothfulPlan.ForStride(4, SlothfulMode.Avg2D, 0, 0, 64, null, SlothfulCompat.Fixed));
        Assert.Throws<SlothfulException>(() => SlothfulPlan.ForLayer(new SlothfulSettings(), SlothfulBlock.Input, 320, 320, 8, 1, 64, SlothfulGrid.Latent(8, 8), SlothfulCompat.Fixed));
    }

    [Theory]
    [InlineData(1.5, 0)]
    [InlineData(0, -0.1)]
    [InlineData(double.NaN, 0)]
    public void Blends_outside_0_1_are_reported(double kb, double vb)
    {
        var ex = Assert.Throws<SlothfulException>(() => SlothfulPlan.ForStride(4, SlothfulMode.Avg2D, kb, vb, 64, (8, 8), SlothfulCompat.Fixed));
        Assert.Contains("[0, 1]", ex.Message, StringComparison.Ordinal);
        SlothfulSettings s = new() { In = new SlothfulSide(SlothfulMode.Avg2D, 2, 6, kb, vb) };
        Assert.Throws<SlothfulException>(s.Validate);
    }

    [Fact]
    public void Unknown_modes_are_reported()
    {
        Assert.Throws<SlothfulException>(() => SlothfulNames.ParseMode("3D_AVG"));
        Assert.Throws<SlothfulException>(() => SlothfulNames.ParseCompat("2024"));
        Assert.Throws<SlothfulException>(() => SlothfulPlan.ForStride(4, (SlothfulMode)9, 0, 0, 64, (8, 8), SlothfulCompat.Fixed));
        Assert.Throws<SlothfulException>(() => SlothfulPlan.ForStride(4, SlothfulMode.Avg1D, 0, 0, 64, (8, 8), (SlothfulCompat)7));
        Assert.Throws<SlothfulException>(() => SlothfulPlan.ForLayer(new SlothfulSettings(), (SlothfulBlock)5, 320, 320, 8, 1, 64, SlothfulGrid.Host(8, 8), SlothfulCompat.Fixed));
    }

    [Fact]
    public void Buffers_not_matching_B_N_C_are_reported()
    {
        byte[] x = new byte[2 * 64 * 4 * 4];
        byte[] k = new byte[2 * 16 * 4 * 4];
        byte[] v = new byte[k.Length];
        Assert.Throws<SlothfulException>(() => SlothfulPooling.Pool(Plan, ElementType.F32, x, 3, 4, k, v));          // B
        Assert.Throws<SlothfulException>(() => SlothfulPooling.Pool(Plan, ElementType.F32, x, 2, 5, k, v));          // C
        Assert.Throws<SlothfulException>(() => SlothfulPooling.Pool(Plan, ElementType.F16, x, 2, 4, k, v));          // size
        Assert.Throws<SlothfulException>(() => SlothfulPooling.Pool(Plan, ElementType.F32, x, 2, 4, k.AsSpan(1), v));
        Assert.Throws<SlothfulException>(() => SlothfulPooling.Pool(Plan, ElementType.F32, x, 2, 4, k, []));         // V differs from K
        Assert.Throws<SlothfulException>(() => SlothfulPooling.Pool(Plan, ElementType.F64, new byte[2 * 64 * 4 * 8], 2, 4, new byte[2 * 16 * 4 * 8], new byte[2 * 16 * 4 * 8]));
        Assert.Throws<SlothfulException>(() => SlothfulPooling.Pool(Plan, ElementType.F32, x, 2, 4, x.AsSpan(0, k.Length), v));
        SlothfulPooling.Pool(Plan, ElementType.F32, x, 2, 4, k, v);
    }
}
