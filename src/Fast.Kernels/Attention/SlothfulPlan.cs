namespace Fast.Kernels.Attention;

/// <summary>
/// What one attention layer does at one timestep: whether it pools, the window, the output token count M and the
/// blends. Plan once per (layer, timestep) with <see cref="ForLayer"/> or <see cref="ForStride"/>, then call
/// <see cref="SlothfulPooling.Pool(in SlothfulPlan, ElementType, ReadOnlySpan{byte}, int, int, Span{byte}, Span{byte}, LerpPolicy, int)"/>
/// as often as needed. A plain value: planning allocates nothing.
/// </summary>
public readonly record struct SlothfulPlan
{
    /// <summary>False: K' = V' = x (middle block, or stride ≤ 1); M = N.</summary>
    public bool Pooled { get; init; }

    /// <summary>The window reduction.</summary>
    public SlothfulMode Mode { get; init; }

    /// <summary>The stride the schedule computed (NaN for a middle block).</summary>
    public double Stride { get; init; }

    /// <summary>Input tokens per batch item.</summary>
    public int N { get; init; }

    /// <summary>Grid rows used by 2D windows (0 when 1D and no grid was known).</summary>
    public int H { get; init; }

    /// <summary>Grid columns used by 2D windows.</summary>
    public int W { get; init; }

    /// <summary>1D window length (1 for 2D or not pooled).</summary>
    public int S { get; init; }

    /// <summary>2D window rows (1 for 1D).</summary>
    public int Sy { get; init; }

    /// <summary>2D window columns (1 for 1D).</summary>
    public int Sx { get; init; }

    /// <summary>Output tokens per batch item.</summary>
    public int M { get; init; }

    /// <summary>Output grid width in windows (2D; the uncropped width under the shortcut).</summary>
    public int OutWidth { get; init; }

    /// <summary>K's blend weight.</summary>
    public double KBlend { get; init; }

    /// <summary>V's blend weight.</summary>
    public double VBlend { get; init; }

    /// <summary>The node returns one tensor for both (equal blends, or the shortcut): V' is K'.</summary>
    public bool VSameAsK { get; init; }

    /// <summary>The compat blend shortcut: K' = V' = the uncropped strided sample (ceil-sized M).</summary>
    public bool UseShortcut { get; init; }

    /// <summary>
    /// Plans one attn1 layer (SPEC §5): <paramref name="channels"/> is the layer's C, <paramref name="n"/> its token
    /// count, <paramref name="timeRatio"/> from <see cref="SlothfulSchedule.TimeRatio"/> (once per step).
    /// </summary>
    /// <exception cref="SlothfulException">Bad settings, depth 0, a grid N does not fit (2D), or <see cref="SlothfulCompat.Fixed"/> without a host grid.</exception>
    public static SlothfulPlan ForLayer(
        SlothfulSettings settings,
        SlothfulBlock block,
        int channels,
        int modelChannels,
        int nHeads,
        double timeRatio,
        int n,
        SlothfulGrid grid,
        SlothfulCompat compat)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        CheckCompat(compat);
        if (n <= 0)
        {
            throw new SlothfulException($"token count N must be positive, got {n}");
        }

        if (block == SlothfulBlock.Middle)
        {
            return PassThrough(n, double.NaN, settings.In.Mode);
        }

        if (block != SlothfulBlock.Input && block != SlothfulBlock.Output)
        {
            throw new SlothfulException($"unknown block {(int)block}");
        }

        SlothfulSide side = block == SlothfulBlock.Output ? settings.Out : settings.In;
        bool swap = compat != SlothfulCompat.Fixed;                      // QUIRK Q1: only the slothful value swaps
        double slothful = swap ? (block == SlothfulBlock.Output ? settings.In.Slothful : settings.Out.Slothful) : side.Slothful;
        double depthRatio = SlothfulSchedule.DepthRatio(channels, modelChannels, nHeads, side.DepthDecay);
        double stride = SlothfulSchedule.Stride(slothful, timeRatio, depthRatio);
        (int H, int W)? hw;
        if (grid.FromLatent)
        {
            if (compat == SlothfulCompat.Fixed)
            {
                throw new SlothfulException("compat mode fixed takes the feature map's grid from the host, not a latent size");
            }

            hw = SlothfulSchedule.DeriveGrid(n, grid.Height, grid.Width, compat);
        }
        else
        {
            hw = (grid.Height, grid.Width);
        }

        return ForStride(stride, side.Mode, side.KBlend, side.VBlend, n, hw, compat);
    }

    /// <summary>
    /// The node's <c>pooling()</c> with a given stride (SPEC §7). <paramref name="grid"/> may be null for 1D modes
    /// (the node never uses it there); a 2D mode needs h·w = N.
    /// </summary>
    /// <exception cref="SlothfulException">Non-finite stride, blend outside [0, 1], unknown mode, N not fitting the grid.</exception>
    public static SlothfulPlan ForStride(double stride, SlothfulMode mode, double kBlend, double vBlend, int n, (int H, int W)? grid, SlothfulCompat compat)
    {
        if (!Enum.IsDefined(mode))
        {
            throw new SlothfulException($"unknown pooling mode {(int)mode}");
        }

        CheckCompat(compat);
        SlothfulSchedule.CheckBlend(kBlend, "k_blend");
        SlothfulSchedule.CheckBlend(vBlend, "v_blend");
        if (double.IsNaN(stride) || double.IsInfinity(stride))
        {
            throw new SlothfulException($"stride must be finite, got {stride}");
        }

        if (n <= 0)
        {
            throw new SlothfulException($"token count N must be positive, got {n}");
        }

        bool is1D = SlothfulNames.Is1D(mode);
        if (grid is { } g && (g.H <= 0 || g.W <= 0 || (long)g.H * g.W != n))
        {
            throw new SlothfulException($"N = {n} tokens do not fit the {g.H}x{g.W} grid");
        }
        else if (grid is null && !is1D)
        {
            throw new SlothfulException($"2D pooling needs a grid with h*w = N = {n}; the node could not derive one (it would raise)");
        }

        if (stride <= 1)
        {
            return PassThrough(n, stride, mode) with { H = grid?.H ?? 0, W = grid?.W ?? 0, KBlend = kBlend, VBlend = vBlend };
        }

        bool shortcut = SlothfulSchedule.Shortcut(compat, kBlend, vBlend);
        var plan = new SlothfulPlan
        {
            Pooled = true,
            Mode = mode,
            Stride = stride,
            N = n,
            H = grid?.H ?? 0,
            W = grid?.W ?? 0,
            KBlend = kBlend,
            VBlend = vBlend,
            UseShortcut = shortcut,
            VSameAsK = shortcut || kBlend == vBlend,
            S = 1,
            Sy = 1,
            Sx = 1,
        };
        if (is1D)
        {
            int s = SlothfulSchedule.Window1D(stride, n);
            return plan with { S = s, M = shortcut ? CeilDiv(n, s) : n / s, OutWidth = 0 };
        }

        (int h, int w) = grid!.Value;
        (int sy, int sx) = SlothfulSchedule.Window2D(stride, h, w);
        int outH = shortcut ? CeilDiv(h, sy) : h / sy;
        int outW = shortcut ? CeilDiv(w, sx) : w / sx;
        return plan with { Sy = sy, Sx = sx, M = outH * outW, OutWidth = outW };
    }

    private static SlothfulPlan PassThrough(int n, double stride, SlothfulMode mode) => new()
    {
        Pooled = false,
        Mode = mode,
        Stride = stride,
        N = n,
        M = n,
        S = 1,
        Sy = 1,
        Sx = 1,
        VSameAsK = true,
    };

    private static void CheckCompat(SlothfulCompat compat)
    {
        if (!Enum.IsDefined(compat))
        {
            throw new SlothfulException($"unknown compat mode {(int)compat}");
        }
    }

    private static int CeilDiv(int a, int b) => (a + b - 1) / b;
}
