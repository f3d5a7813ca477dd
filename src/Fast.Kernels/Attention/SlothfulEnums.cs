namespace Fast.Kernels.Attention;

/// <summary>How a window of tokens is reduced to one K/V token (SPEC §7.1).</summary>
public enum SlothfulMode
{
    /// <summary><c>1D_AVG</c>: mean over <c>s</c> consecutive tokens of the flattened sequence.</summary>
    Avg1D,

    /// <summary><c>1D_MAX</c>: maximum over <c>s</c> consecutive tokens.</summary>
    Max1D,

    /// <summary><c>2D_AVG</c>: mean over an <c>sy × sx</c> block of the token grid.</summary>
    Avg2D,

    /// <summary><c>2D_MAX</c>: maximum over an <c>sy × sx</c> block.</summary>
    Max2D,
}

/// <summary>Which node behaviour to reproduce (SPEC §9).</summary>
public enum SlothfulCompat
{
    /// <summary>No quirks: each side uses its own slothful, no blend shortcut, the host supplies the grid. The default.</summary>
    Fixed,

    /// <summary>comfyui_slothful_attention f297558: slothful swapped, k=v=1 shortcut, grid by <c>round</c>.</summary>
    Original2023,

    /// <summary>comfyui_nearsighted_attention 1.0.0: slothful swapped, k=v=0 shortcut, grid by ceil/floor.</summary>
    Nearsighted2025,
}

/// <summary>The U-Net section an attention layer belongs to.</summary>
public enum SlothfulBlock
{
    /// <summary>Down path (<c>input</c> blocks).</summary>
    Input,

    /// <summary>Middle block: never pooled.</summary>
    Middle,

    /// <summary>Up path (<c>output</c> blocks).</summary>
    Output,
}

/// <summary>How the k/v blend rounds (SPEC §7.3 FMA policy).</summary>
public enum LerpPolicy
{
    /// <summary>One rounding, as torch CPU with AVX2/AVX-512 (and CUDA as expected).</summary>
    Fused,

    /// <summary>Product rounded, then the sum: torch's DEFAULT-capability CPU kernel.</summary>
    Unfused,
}

/// <summary>Names of <see cref="SlothfulMode"/> and <see cref="SlothfulCompat"/> as the node and the golden file write them.</summary>
public static class SlothfulNames
{
    /// <summary>Parses <c>1D_AVG</c>, <c>1D_MAX</c>, <c>2D_AVG</c> or <c>2D_MAX</c>.</summary>
    /// <exception cref="SlothfulException">Any other text.</exception>
    public static SlothfulMode ParseMode(string text) => text switch
    {
        "1D_AVG" => SlothfulMode.Avg1D,
        "1D_MAX" => SlothfulMode.Max1D,
        "2D_AVG" => SlothfulMode.Avg2D,
        "2D_MAX" => SlothfulMode.Max2D,
        _ => throw new SlothfulException($"unknown pooling mode '{text}' (expected 1D_AVG, 1D_MAX, 2D_AVG or 2D_MAX)"),
    };

    /// <summary>The node's name for <paramref name="mode"/>.</summary>
    public static string ModeName(SlothfulMode mode) => mode switch
    {
        SlothfulMode.Avg1D => "1D_AVG",
        SlothfulMode.Max1D => "1D_MAX",
        SlothfulMode.Avg2D => "2D_AVG",
        SlothfulMode.Max2D => "2D_MAX",
        _ => throw new SlothfulException($"unknown pooling mode {(int)mode}"),
    };

    /// <summary>Parses <c>2023</c>/<c>original2023</c>, <c>2025</c>/<c>nearsighted2025</c> or <c>fixed</c> (case-insensitive).</summary>
    /// <exception cref="SlothfulException">Any other text.</exception>
    public static SlothfulCompat ParseCompat(string text) => text.ToLowerInvariant() switch
    {
        "2023" or "original2023" => SlothfulCompat.Original2023,
        "2025" or "nearsighted2025" => SlothfulCompat.Nearsighted2025,
        "fixed" => SlothfulCompat.Fixed,
        _ => throw new SlothfulException($"unknown compat mode '{text}' (expected 2023, 2025 or fixed)"),
    };

    /// <summary>True for the 1D modes.</summary>
    public static bool Is1D(SlothfulMode mode) => mode is SlothfulMode.Avg1D or SlothfulMode.Max1D;

    /// <summary>True for the max modes.</summary>
    public static bool IsMax(SlothfulMode mode) => mode is SlothfulMode.Max1D or SlothfulMode.Max2D;
}
