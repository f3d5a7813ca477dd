using System.Collections.Frozen;

namespace Fast.Merging.Architectures;

/// <summary>Keys outside the components that checkpoints commonly carry and loaders accept.</summary>
public static class KnownKeys
{
    /// <summary>The prefix under which LDM stores the EMA copy of the UNet.</summary>
    public const string EmaPrefix = "model_ema.";

    /// <summary>The EMA decay scalar (F32).</summary>
    public const string EmaDecay = "model_ema.decay";

    /// <summary>The EMA update counter scalar (I32).</summary>
    public const string EmaNumUpdates = "model_ema.num_updates";

    /// <summary>
    /// The diffusion schedule buffers LDM registers on the model, each <c>[1000]</c>; loaders ignore or accept them.
    /// </summary>
    public static IReadOnlyList<string> SchedulerBuffers { get; } =
    [
        "alphas_cumprod",
        "alphas_cumprod_prev",
        "betas",
        "log_one_minus_alphas_cumprod",
        "posterior_log_variance_clipped",
        "posterior_mean_coef1",
        "posterior_mean_coef2",
        "posterior_variance",
        "sqrt_alphas_cumprod",
        "sqrt_one_minus_alphas_cumprod",
        "sqrt_recip_alphas_cumprod",
        "sqrt_recipm1_alphas_cumprod",
        "logvar",
    ];

    /// <summary>
    /// Keys that carry no weights but say what kind of model this is; ComfyUI reads them when it loads a checkpoint
    /// (<c>comfy/supported_models.py</c>, <c>model_type</c>), so dropping one silently turns a v-prediction model
    /// into an epsilon one. The value is what the marker means, for reports.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ModelTypeMarkers { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["v_pred"] = "v-prediction",
        ["ztsnr"] = "zero terminal SNR",
        ["edm_vpred.sigma_min"] = "EDM v-prediction, lowest sigma",
        ["edm_vpred.sigma_max"] = "EDM v-prediction, highest sigma",
        ["edm_mean"] = "EDM latent mean (Playground v2.5)",
        ["edm_std"] = "EDM latent std (Playground v2.5)",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>True for a model-type marker (<c>v_pred</c>, <c>ztsnr</c>, <c>edm_vpred.sigma_min</c>, ...): kept by fixes, copied from A by merges.</summary>
    public static bool IsModelTypeMarker(string key) => ModelTypeMarkers.ContainsKey(key);

    private static readonly FrozenSet<string> s_schedulerBuffers = SchedulerBuffers.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>True for a diffusion schedule buffer (<c>alphas_cumprod</c>, <c>logvar</c>, ...).</summary>
    public static bool IsSchedulerBuffer(string key) => s_schedulerBuffers.Contains(key);

    /// <summary>True for any key of the EMA copy, including its scalars.</summary>
    public static bool IsEma(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.StartsWith(EmaPrefix, StringComparison.Ordinal);
    }
}
