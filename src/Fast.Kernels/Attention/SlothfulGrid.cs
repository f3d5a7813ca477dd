namespace Fast.Kernels.Attention;

/// <summary>
/// Where a layer's token grid comes from: the host's feature-map size, or (compat modes only) the node's
/// derivation from the latent size (SPEC §6).
/// </summary>
public readonly record struct SlothfulGrid
{
    private SlothfulGrid(int h, int w, bool fromLatent) => (Height, Width, FromLatent) = (h, w, fromLatent);

    /// <summary>Feature-map rows, or the latent height when <see cref="FromLatent"/>.</summary>
    public int Height { get; }

    /// <summary>Feature-map columns, or the latent width when <see cref="FromLatent"/>.</summary>
    public int Width { get; }

    /// <summary>True when the grid is to be derived from a latent size as the node does.</summary>
    public bool FromLatent { get; }

    /// <summary>The real h × w of the layer's feature map (what <see cref="SlothfulCompat.Fixed"/> needs).</summary>
    public static SlothfulGrid Host(int height, int width) => new(height, width, false);

    /// <summary>Derive from the U-Net input latent (pixels / 8) as the 2023/2025 node does.</summary>
    public static SlothfulGrid Latent(int latentHeight, int latentWidth) => new(latentHeight, latentWidth, true);
}
