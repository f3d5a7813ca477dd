using Fast.Kernels.Attention;
using Xunit;

namespace Fast.Kernels.Tests.Attention;

/// <summary>The schedule and grid derivation against SPEC §5, §6 and the worked numbers of §10 (SD1.5 512², default settings).</summary>
public sealed class SlothfulScheduleTests
{
    private static readonly SlothfulSettings Defaults = new();

    private static SlothfulPlan Sd15(SlothfulBlock block, int level, int t, SlothfulMode mode = SlothfulMode.Avg2D, SlothfulCompat compat = SlothfulCompat.Original2023, double blend = 0.3)
    {
        int ds = 1 << (level - 1), c = 320 * ds, h = 64 / ds;
        SlothfulSettings s = Defaults with
        {
            In = Defaults.In with { Mode = mode, KBlend = blend, VBlend = blend },
            Out = Defaults.Out with { Mode = mode, KBlend = blend, VBlend = blend },
        };
        double tr = SlothfulSchedule.TimeRatio(s.PeakTime, s.TimeDecay, t);
        SlothfulGrid grid = compat == SlothfulCompat.Fixed ? SlothfulGrid.Host(h, h) : SlothfulGrid.Latent(64, 64);
        return SlothfulPlan.ForLayer(s, block, c, 320, 8, tr, h * h, grid, compat);
    }

    [Fact]
    public void Time_ratio_is_exactly_one_at_the_peak()
    {
        // 1 − 600/1000 == 0.4 in double and exp(−0.0) = 1: the only decision-sensitive point (SPEC §5).
        Assert.Equal(1.0, SlothfulSchedule.TimeRatio(0.4, 2.0, 600));
        Assert.Equal(1.0, SlothfulSchedule.TimeRatio(0.4, 0.0, 0));          // time_decay ≤ 0 turns it off
    }

    [Fact]
    public void Worked_numbers_of_the_spec()
    {
        SlothfulPlan in999 = Sd15(SlothfulBlock.Input, 1, 999);
        Assert.Equal(2.1159, in999.Stride, 4);
        Assert.Equal((2, 2, 1024), (in999.Sy, in999.Sx, in999.M));
        Assert.Equal((3, 1365), (Sd15(SlothfulBlock.Input, 1, 999, SlothfulMode.Avg1D).S, Sd15(SlothfulBlock.Input, 1, 999, SlothfulMode.Avg1D).M));

        // t = 600: OUT level 1 uses in_slothful (6, QUIRK Q1), stride exactly 6 → 3×2 windows, 21×32 = 672 tokens.
        SlothfulPlan out600 = Sd15(SlothfulBlock.Output, 1, 600);
        Assert.Equal(6.0, out600.Stride);
        Assert.Equal((3, 2, 672), (out600.Sy, out600.Sx, out600.M));
        Assert.Equal((6, 682), (Sd15(SlothfulBlock.Output, 1, 600, SlothfulMode.Avg1D).S, Sd15(SlothfulBlock.Output, 1, 600, SlothfulMode.Avg1D).M));

        // 2025 at the default blends (0, 0) takes the shortcut: the uncropped sample, 22×32 = 704 (1D: 683).
        Assert.Equal(704, Sd15(SlothfulBlock.Output, 1, 600, compat: SlothfulCompat.Nearsighted2025, blend: 0).M);
        Assert.Equal(683, Sd15(SlothfulBlock.Output, 1, 600, SlothfulMode.Max1D, SlothfulCompat.Nearsighted2025, 0).M);
        Assert.True(Sd15(SlothfulBlock.Output, 1, 600, compat: SlothfulCompat.Nearsighted2025, blend: 0).UseShortcut);
        Assert.False(Sd15(SlothfulBlock.Output, 1, 600, compat: SlothfulCompat.Original2023, blend: 0).UseShortcut);

        // OUT level 2 at t = 600: 1.5 → 2×1; at t = 999: 0.79, no pooling; IN level 1 at t = 0: 0.9477, none.
        SlothfulPlan out2 = Sd15(SlothfulBlock.Output, 2, 600);
        Assert.Equal((2, 1, 512), (out2.Sy, out2.Sx, out2.M));
        Assert.False(Sd15(SlothfulBlock.Output, 2, 999).Pooled);
        Assert.False(Sd15(SlothfulBlock.Input, 1, 0).Pooled);
        Assert.Equal(0.9477, Sd15(SlothfulBlock.Input, 1, 0).Stride, 4);
    }

    [Fact]
    public void Fixed_mode_does_not_swap_slothful()
    {
        // OUT uses its own out_slothful = 4 at t = 600 → 2×2 windows, 1024 tokens.
        SlothfulPlan p = Sd15(SlothfulBlock.Output, 1, 600, compat: SlothfulCompat.Fixed);
        Assert.Equal(4.0, p.Stride);
        Assert.Equal((2, 2, 1024), (p.Sy, p.Sx, p.M));
    }

    [Fact]
    public void Middle_blocks_are_skipped()
    {
        SlothfulPlan p = SlothfulPlan.ForLayer(Defaults, SlothfulBlock.Middle, 1280, 320, 8, 1.0, 64, SlothfulGrid.Host(8, 8), SlothfulCompat.Original2023);
        Assert.False(p.Pooled);
        Assert.Equal(64, p.M);
    }

    [Fact]
    public void Sd2_counts_as_xl_and_gets_four_times_the_stride()
    {
        // n_heads 5 ≠ 8 → depth_rate 2 at depth 1, squared by depth_decay 2 (QUIRK Q5): IN stride 16 at t = 600 (768², 96×96).
        double tr = SlothfulSchedule.TimeRatio(0.4, 2, 600);
        SlothfulPlan p = SlothfulPlan.ForLayer(Defaults, SlothfulBlock.Input, 320, 320, 5, tr, 96 * 96, SlothfulGrid.Latent(96, 96), SlothfulCompat.Original2023);
        Assert.Equal(16.0, p.Stride);
        Assert.Equal((4, 4), (p.Sy, p.Sx));
    }

    [Fact]
    public void Grid_2025_transposes_a_33x32_latent_and_2023_does_not()
    {
        (int h, int w) = SlothfulSchedule.TrueGrid(33, 32, 2);
        Assert.Equal((17, 16), (h, w));
        Assert.Equal((16, 17), SlothfulSchedule.DeriveGrid(h * w, 33, 32, SlothfulCompat.Nearsighted2025));
        Assert.Equal((17, 16), SlothfulSchedule.DeriveGrid(h * w, 33, 32, SlothfulCompat.Original2023));
    }

    [Fact]
    public void Grid_2023_can_fail_and_then_only_1d_pools()
    {
        // 384×264 px (latent 33×48) at ds 4: true grid 9×12; round() gives no grid with h·w = N (the node raises in 2D).
        (int h, int w) = SlothfulSchedule.TrueGrid(33, 48, 4);
        Assert.Null(SlothfulSchedule.DeriveGrid(h * w, 33, 48, SlothfulCompat.Original2023));
        Assert.Equal((9, 12), SlothfulSchedule.DeriveGrid(h * w, 33, 48, SlothfulCompat.Nearsighted2025));
        SlothfulSettings big = Defaults with { Out = Defaults.Out with { DepthDecay = 0 }, In = Defaults.In with { Slothful = 40 } };
        Assert.Throws<SlothfulException>(() => SlothfulPlan.ForLayer(big, SlothfulBlock.Output, 1280, 320, 8, 1, h * w, SlothfulGrid.Latent(33, 48), SlothfulCompat.Original2023));
        SlothfulSettings big1D = big with { Out = big.Out with { Mode = SlothfulMode.Avg1D } };
        SlothfulPlan p = SlothfulPlan.ForLayer(big1D, SlothfulBlock.Output, 1280, 320, 8, 1, h * w, SlothfulGrid.Latent(33, 48), SlothfulCompat.Original2023);
        Assert.Equal((40, 2), (p.S, p.M));
    }

    [Fact]
    public void Windows_are_clamped_and_use_the_clamped_rows()
    {
        Assert.Equal(10, SlothfulSchedule.Window1D(50, 10));
        Assert.Equal((3, 2), SlothfulSchedule.Window2D(6, 64, 64));
        Assert.Equal((2, 8), SlothfulSchedule.Window2D(50, 2, 8));           // sy clamped to h=2, then sx = ceil(25) clamped to 8
        Assert.Equal((8, 7), SlothfulSchedule.Window2D(50, 64, 64));
    }
}
