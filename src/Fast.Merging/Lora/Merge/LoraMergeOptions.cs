using Fast.SafeTensors;

namespace Fast.Merging.Lora.Merge;

/// <summary>What <see cref="LoraMerger"/> writes.</summary>
public sealed record LoraMergeOptions
{
    /// <summary>Sum (same ranks) or rank concatenation.</summary>
    public LoraMergeMode Mode { get; init; } = LoraMergeMode.Sum;

    /// <summary>
    /// supermerger's "same to Strength" for <see cref="LoraMergeMode.Sum"/>: each factor takes √|ratio| and
    /// <c>lora_down</c> the sign, so one LoRA's effect scales with its ratio, not its square.
    /// </summary>
    public bool SameStrength { get; init; }

    /// <summary>The dtype of the written factors: F32 (kohya's default), F16 or BF16.</summary>
    public DType DType { get; init; } = DType.F32;

    /// <summary>Replace an existing output file.</summary>
    public bool Overwrite { get; init; }

    /// <summary>How inputs are read.</summary>
    public ReadMode ReadMode { get; init; } = ReadMode.Mapped;
}
