namespace Fast.Merging.Lora;

/// <summary>What a LoRA file holds, as <c>inspect</c> reports it.</summary>
/// <param name="Modules">Module count per family.</param>
/// <param name="Targets">Module count per target (UNet, text encoders, other).</param>
/// <param name="Ranks">Module count per rank (0 where a family has no rank: full diff, norms, unfactored LoKr).</param>
/// <param name="ConvModules">Modules on convolutions (4-D weights): LoCon.</param>
/// <param name="WithAlpha">Modules that carry an <c>alpha</c>.</param>
/// <param name="WithDora">Modules that carry a DoRA magnitude.</param>
/// <param name="Incomplete">Modules missing a part their family needs (a down without an up, …).</param>
public sealed record LoraSummary(
    IReadOnlyDictionary<LoraFamily, int> Modules,
    IReadOnlyDictionary<string, int> Targets,
    IReadOnlyDictionary<long, int> Ranks,
    int ConvModules,
    int WithAlpha,
    int WithDora,
    IReadOnlyList<string> Incomplete)
{
    /// <summary>Total modules.</summary>
    public int ModuleCount => Modules.Values.Sum();
}
