namespace Fast.Merging;

/// <summary>
/// The key prefixes of the LDM/ComfyUI single-file checkpoint that more than one part of the library needs. Each is
/// spelled here and nowhere else, so the layouts, the planner, the filters and the fixer agree on what "the VAE" is.
/// </summary>
public static class CheckpointPrefixes
{
    /// <summary>The autoencoder (<c>first_stage_model.</c>).</summary>
    public const string Vae = "first_stage_model.";

    /// <summary>The denoiser: a UNet for SD1/SD2/SDXL, a transformer for Flux and SD3 (<c>model.diffusion_model.</c>).</summary>
    public const string DiffusionModel = "model.diffusion_model.";

    /// <summary>SDXL's text encoders (<c>conditioner.embedders.</c>).</summary>
    public const string SdxlTextEncoders = "conditioner.embedders.";

    /// <summary>True for a key of the VAE.</summary>
    public static bool IsVae(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.StartsWith(Vae, StringComparison.Ordinal);
    }
}
