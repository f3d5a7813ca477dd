using Fast.Kernels.Attention;

namespace Fast.Cli.Commands.Slothful;

/// <summary>
/// The golden file's schedule table for one (latent, parameter set, version): per side, attention level and t,
/// the grid, the pooling decision, windows and token counts (columns in <see cref="Columns"/>), plus time ratio,
/// depth ratio and stride. Computed from the parameters with the library's schedule only.
/// </summary>
internal static class SlothfulScheduleTable
{
    public static readonly string[] Columns =
        ["t", "side(0=in,1=out)", "ds", "C", "n_heads", "N", "h", "w", "pooled", "s", "sy", "sx", "M1d", "M1d_shortcut", "M2d", "M2d_shortcut"];

    public static (long[] I64, double[] F64, int Rows) Build(
        SlothfulModel model, int latentH, int latentW, SlothfulSettings settings, SlothfulCompat compat, IReadOnlyList<int> steps)
    {
        var i64 = new List<long>();
        var f64 = new List<double>();
        foreach (SlothfulBlock block in (ReadOnlySpan<SlothfulBlock>)[SlothfulBlock.Input, SlothfulBlock.Output])
        {
            bool output = block == SlothfulBlock.Output;
            SlothfulSide side = output ? settings.Out : settings.In;
            double slothful = compat == SlothfulCompat.Fixed ? side.Slothful : (output ? settings.In.Slothful : settings.Out.Slothful);
            foreach (SlothfulLevel level in model.Levels)
            {
                (int th, int tw) = SlothfulSchedule.TrueGrid(latentH, latentW, level.Downsample);
                int n = th * tw;
                (int H, int W)? hw = compat == SlothfulCompat.Fixed ? (th, tw) : SlothfulSchedule.DeriveGrid(n, latentH, latentW, compat);
                foreach (int t in steps)
                {
                    double tr = SlothfulSchedule.TimeRatio(settings.PeakTime, settings.TimeDecay, t);
                    double dr = SlothfulSchedule.DepthRatio(level.Channels, model.ModelChannels, level.Heads, side.DepthDecay);
                    double stride = SlothfulSchedule.Stride(slothful, tr, dr);
                    bool pooled = stride > 1;
                    int s = pooled ? SlothfulSchedule.Window1D(stride, n) : 1;
                    (int sy, int sx) = !pooled ? (1, 1) : hw is { } g ? SlothfulSchedule.Window2D(stride, g.H, g.W) : (-1, -1);
                    (int h, int w) = hw ?? (-1, -1);
                    long m2 = hw is null ? -1 : (long)(h / sy) * (w / sx);
                    long m2s = hw is null ? -1 : (long)CeilDiv(h, sy) * CeilDiv(w, sx);
                    i64.AddRange([t, output ? 1 : 0, level.Downsample, level.Channels, level.Heads, n, h, w, pooled ? 1 : 0, s, sy, sx, n / s, CeilDiv(n, s), m2, m2s]);
                    f64.AddRange([tr, dr, stride]);
                }
            }
        }

        return (i64.ToArray(), f64.ToArray(), f64.Count / 3);
    }

    private static int CeilDiv(int a, int b) => (a + b - 1) / b;
}
