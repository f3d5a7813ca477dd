using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Merging.Doctor;

/// <summary>What <see cref="ModelFixer"/> repairs.</summary>
public sealed record FixOptions
{
    /// <summary><see cref="PositionIdsPolicy.Reset"/> (default) writes int64 <c>[[0..n-1]]</c>; <see cref="PositionIdsPolicy.Keep"/> copies them as stored.</summary>
    public PositionIdsPolicy PositionIds { get; init; } = PositionIdsPolicy.Reset;

    /// <summary>Drops the EMA copy and the keys no loader uses.</summary>
    public bool Prune { get; init; }

    /// <summary>Converts every floating tensor (float64 included) to this dtype; integer tensors never change.</summary>
    public OutputDType DType { get; init; } = OutputDType.Keep;

    /// <summary>A VAE file (keys with or without <c>first_stage_model.</c>) or a checkpoint whose VAE replaces this one's.</summary>
    public string? VaePath { get; init; }

    /// <summary>A checkpoint (or an extracted text encoder) whose text encoder(s) replace this one's.</summary>
    public string? ClipPath { get; init; }

    /// <summary>Renames NAI-style CLIP keys (<c>cond_stage_model.transformer.encoder.*</c>) to the standard <c>…transformer.text_model.*</c>.</summary>
    public bool RenameNai { get; init; }

    /// <summary>Replaces NaN by 0 and ±Inf by the largest finite value of the output dtype, as <c>torch.nan_to_num</c>.</summary>
    public bool NanToNum { get; init; }

    /// <summary>Replace an existing output file.</summary>
    public bool Overwrite { get; init; }

    /// <summary>How inputs are read (<see cref="ReadMode.Buffered"/> for network drives).</summary>
    public ReadMode ReadMode { get; init; } = ReadMode.Mapped;

    /// <summary>
    /// Write <c>fastmerge.fix</c> (what was done) into the copy; <c>convert</c> turns it off, since its output must be
    /// exactly what <c>torch.load</c> + safetensors writing gives.
    /// </summary>
    public bool RecordFix { get; init; } = true;
}
