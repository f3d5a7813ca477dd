namespace Fast.Kernels.Attention;

/// <summary>One side's widgets of the node (SPEC §4): pooling mode, depth decay, slothful and the two blends.</summary>
/// <param name="Mode">Window reduction.</param>
/// <param name="DepthDecay">Exponent of the depth rate.</param>
/// <param name="Slothful">Base stride.</param>
/// <param name="KBlend">Weight of the pool against the strided sample for K (0 = sample, 1 = pool).</param>
/// <param name="VBlend">The same for V.</param>
public readonly record struct SlothfulSide(SlothfulMode Mode, double DepthDecay, double Slothful, double KBlend, double VBlend);

/// <summary>The node's settings (SPEC §4); defaults are the node's.</summary>
public sealed record SlothfulSettings
{
    /// <summary>Time (0 = noisiest, 1 = last step) where the window is widest.</summary>
    public double PeakTime { get; init; } = 0.4;

    /// <summary>Sharpness of the time bell; ≤ 0 turns the time ratio off (always 1).</summary>
    public double TimeDecay { get; init; } = 2.0;

    /// <summary>Down-path settings.</summary>
    public SlothfulSide In { get; init; } = new(SlothfulMode.Avg2D, 2.0, 6.0, 0.0, 0.0);

    /// <summary>Up-path settings.</summary>
    public SlothfulSide Out { get; init; } = new(SlothfulMode.Avg2D, 2.0, 4.0, 0.0, 0.0);

    /// <summary>Throws <see cref="SlothfulException"/> for a value the node's widgets cannot hold and the maths cannot use.</summary>
    public void Validate()
    {
        Check(PeakTime, "peak_time");
        Check(TimeDecay, "time_decay");
        CheckSide(In, "in");
        CheckSide(Out, "out");
    }

    private static void CheckSide(SlothfulSide side, string name)
    {
        if (!Enum.IsDefined(side.Mode))
        {
            throw new SlothfulException($"{name}_mode: unknown pooling mode {(int)side.Mode}");
        }

        Check(side.DepthDecay, name + "_depth_decay");
        Check(side.Slothful, name + "_slothful");
        SlothfulSchedule.CheckBlend(side.KBlend, name + "_k_blend");
        SlothfulSchedule.CheckBlend(side.VBlend, name + "_v_blend");
    }

    private static void Check(double value, string name)
    {
        if (!double.IsFinite(value))
        {
            throw new SlothfulException($"{name} must be a finite number, got {value}");
        }
    }
}
