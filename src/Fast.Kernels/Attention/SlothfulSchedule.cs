namespace Fast.Kernels.Attention;

/// <summary>
/// The scalar side of SlothfulAttention (SPEC §5, §6, §7.1): time and depth ratios, the stride, window sizes and the
/// token grid. Every expression is evaluated in double in the node's order, with libm <c>pow</c>/<c>exp</c>
/// (<see cref="Math.Pow"/> and <see cref="Math.Exp"/> call the platform libm), because <c>stride &lt;= 1</c> and the
/// ceilings are decided on exact values (e.g. time_ratio == 1 at t = 600 with peak 0.4).
/// </summary>
public static class SlothfulSchedule
{
    /// <summary>time_ratio for timestep index <paramref name="t"/> (0..999, 999 = noisiest): 1 when <paramref name="timeDecay"/> ≤ 0.</summary>
    public static double TimeRatio(double peakTime, double timeDecay, int t)
    {
        if (timeDecay <= 0)
        {
            return 1;
        }

        double time = Clip(1 - (t / 1000.0), 0, 1);
        return Math.Exp(-Math.Pow(time - peakTime, 2) / Math.Pow(1 / timeDecay, 2));
    }

    /// <summary>
    /// pow(depth_rate, depthDecay) with depth = <paramref name="channels"/> div <paramref name="modelChannels"/> and
    /// depth_rate = 2/depth when <paramref name="nHeads"/> ≠ 8 (the node's "is XL" test, true for SD2.x too), else 1/depth.
    /// </summary>
    /// <exception cref="SlothfulException">depth is 0 (the node divides by zero) or a count is not positive.</exception>
    public static double DepthRatio(int channels, int modelChannels, int nHeads, double depthDecay)
    {
        if (modelChannels <= 0)
        {
            throw new SlothfulException($"model_channels must be positive, got {modelChannels}");
        }

        if (channels < modelChannels)
        {
            throw new SlothfulException($"depth is 0: C = {channels} is smaller than model_channels = {modelChannels}");
        }

        int depth = channels / modelChannels;
        double rate = nHeads != 8 ? 2.0 / depth : 1.0 / depth;
        return Math.Pow(rate, depthDecay);
    }

    /// <summary>(slothful · time_ratio) · depth_ratio, in that order (SPEC R2).</summary>
    public static double Stride(double slothful, double timeRatio, double depthRatio) => slothful * timeRatio * depthRatio;

    /// <summary>The 1D window length: clip(ceil(stride), 1, n).</summary>
    public static int Window1D(double stride, int n) => ClipToInt(Math.Ceiling(stride), 1, n);

    /// <summary>The 2D window (rows sy, columns sx) for an h × w grid: sy = clip(ceil(√stride), 1, h), sx = clip(ceil(stride / sy), 1, w).</summary>
    public static (int Sy, int Sx) Window2D(double stride, int h, int w)
    {
        int sy = ClipToInt(Math.Ceiling(Math.Sqrt(stride)), 1, h);
        int sx = ClipToInt(Math.Ceiling(stride / sy), 1, w);
        return (sy, sx);
    }

    /// <summary>The feature-map grid of level <paramref name="downsample"/> (1, 2, 4, …) of a latent: each 3×3 stride-2 pad-1 conv halves with ceiling.</summary>
    public static (int H, int W) TrueGrid(int latentHeight, int latentWidth, int downsample)
    {
        if (latentHeight <= 0 || latentWidth <= 0 || downsample <= 0 || (downsample & (downsample - 1)) != 0)
        {
            throw new SlothfulException($"bad latent {latentHeight}x{latentWidth} or downsample factor {downsample} (a power of two)");
        }

        int h = latentHeight, w = latentWidth;
        for (int ds = downsample; ds > 1; ds /= 2)
        {
            (h, w) = ((h + 1) / 2, (w + 1) / 2);
        }

        return (h, w);
    }

    /// <summary>
    /// The grid the node derives from N and the latent size (SPEC §6). Null when the derived h·w ≠ N (the node raises
    /// in 2D modes). <see cref="SlothfulCompat.Fixed"/> has no derivation: the host supplies the grid.
    /// </summary>
    public static (int H, int W)? DeriveGrid(int n, int latentHeight, int latentWidth, SlothfulCompat compat)
    {
        if (n <= 0 || latentHeight <= 0 || latentWidth <= 0)
        {
            throw new SlothfulException($"bad token count {n} or latent {latentHeight}x{latentWidth}");
        }

        double r = Math.Sqrt(n / ((double)latentHeight * latentWidth));
        int w, h;
        switch (compat)
        {
            case SlothfulCompat.Original2023:
                w = (int)Math.Round(latentWidth * r);                  // Python round: half to even, the default here
                if (w == 0)
                {
                    return null;
                }

                h = n / w;
                break;
            case SlothfulCompat.Nearsighted2025:
                w = (int)Math.Ceiling(latentWidth * r);
                h = w == 0 ? 0 : n / w;
                if (h * w != n)
                {
                    w = (int)Math.Floor(latentWidth * r);
                    if (w == 0)
                    {
                        return null;
                    }

                    h = n / w;
                }

                break;
            case SlothfulCompat.Fixed:
                throw new SlothfulException("compat mode fixed derives no grid: pass the feature map's h and w");
            default:
                throw new SlothfulException($"unknown compat mode {(int)compat}");
        }

        return h * w == n ? (h, w) : null;
    }

    /// <summary>Whether the node skips pooling and returns its uncropped strided sample for these blends.</summary>
    public static bool Shortcut(SlothfulCompat compat, double kBlend, double vBlend) => compat switch
    {
        SlothfulCompat.Original2023 => kBlend == 1 && vBlend == 1,
        SlothfulCompat.Nearsighted2025 => kBlend == 0 && vBlend == 0,
        _ => false,
    };

    internal static void CheckBlend(double blend, string name)
    {
        if (!(blend >= 0 && blend <= 1))
        {
            throw new SlothfulException($"{name} must lie in [0, 1], got {blend}");
        }
    }

    private static double Clip(double v, double lo, double hi) => Math.Max(Math.Min(v, hi), lo);

    private static int ClipToInt(double v, int lo, int hi) => (int)Math.Max(Math.Min(v, hi), lo);
}
