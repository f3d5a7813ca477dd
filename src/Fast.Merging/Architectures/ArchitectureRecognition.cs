using Fast.Merging.Blocks;

namespace Fast.Merging.Architectures;

/// <summary>What <see cref="ArchitectureRecognizer"/> found in a checkpoint's key list.</summary>
/// <param name="Architecture">The recognised architecture, or null when unknown.</param>
/// <param name="Scale">The shape scale the checkpoint matches (1 for real models; see <see cref="ShapeScaling"/>).</param>
/// <param name="Components">Per component of the architecture, what was found and what is missing (empty when unknown).</param>
/// <param name="SchedulerKeys">Diffusion schedule buffers (<c>alphas_cumprod</c>, ...), which loaders accept.</param>
/// <param name="EmaKeys">Every key under <c>model_ema.</c>, including <c>model_ema.decay</c> and <c>model_ema.num_updates</c>.</param>
/// <param name="UnknownKeys">Keys no component, schedule, EMA or model-type marker accounts for: junk the usual loaders do not use.</param>
/// <param name="ModelTypeKeys">Model-type markers (<see cref="KnownKeys.ModelTypeMarkers"/>: <c>v_pred</c>, <c>ztsnr</c>, ...), never junk.</param>
public sealed record ArchitectureRecognition(
    Architecture? Architecture,
    int Scale,
    IReadOnlyList<ComponentMatch> Components,
    IReadOnlyList<string> SchedulerKeys,
    IReadOnlyList<string> EmaKeys,
    IReadOnlyList<string> UnknownKeys,
    IReadOnlyList<string> ModelTypeKeys)
{
    /// <summary>The family, <see cref="ArchitectureId.Unknown"/> when not recognised.</summary>
    public ArchitectureId Id => Architecture?.Id ?? ArchitectureId.Unknown;

    /// <summary>The block-weight layout; <see cref="BlockLayouts.None"/> when unknown.</summary>
    public BlockLayout BlockLayout => Architecture?.BlockLayout ?? BlockLayouts.None;

    /// <summary>True when the checkpoint carries EMA weights.</summary>
    public bool HasEma => EmaKeys.Count > 0;

    /// <summary>Full keys missing from required components.</summary>
    public IEnumerable<string> MissingRequiredKeys => Components.Where(c => !c.Placement.IsOptional).SelectMany(c => c.MissingKeys);
}
