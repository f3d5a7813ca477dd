using Fast.Merging.Methods;

namespace Fast.Merging.Recipes;

/// <summary>
/// Everything that decides a merge's output besides the input bytes: recorded as JSON under
/// <c>fastmerge.recipe</c> in the output's metadata (see <see cref="RecipeJson"/>). Equality compares lists by content.
/// </summary>
public sealed record MergeRecipe
{
    /// <summary>How the models are combined.</summary>
    public MergeMode Mode { get; init; } = MergeMode.WeightSum;

    /// <summary>The calculation within the mode.</summary>
    public CalcMode CalcMode { get; init; } = CalcMode.Normal;

    /// <summary>Base α (the BASE weight when a 25/19-value list is given).</summary>
    public double Alpha { get; init; } = 0.5;

    /// <summary>Base β, used by triple sum, sum twice, tensor/tensor2 and extract.</summary>
    public double Beta { get; init; }

    /// <summary>γ of the extract calcmode (the reference's default 0.3).</summary>
    public double Gamma { get; init; } = 0.3;

    /// <summary>Block weights for α: a comma-separated list or a preset name (see <see cref="Blocks.BlockWeights"/>).</summary>
    public string? WeightsAlpha { get; init; }

    /// <summary>Block weights for β: a comma-separated list or a preset name.</summary>
    public string? WeightsBeta { get; init; }

    /// <summary>Scaled sum: per-block factors for A (list or preset); without it, <see cref="Alpha"/> is A's factor.</summary>
    public string? ScaledSumWeightsA { get; init; }

    /// <summary>Scaled sum: per-block factors for B (list or preset); without it, <see cref="Beta"/> is B's factor.</summary>
    public string? ScaledSumWeightsB { get; init; }

    /// <summary>
    /// Seed of the random block weights (supermerger's "Seed for Random Ratio"): a β or α list with R, U or X entries is
    /// drawn from numpy's legacy generator seeded with it (<see cref="Blocks.RandomBlockWeights"/>); required then.
    /// </summary>
    public uint? Seed { get; init; }

    /// <summary>Decimal digits the random weights are rounded to with Python's <c>round</c> (supermerger's "Round", 3).</summary>
    public int RandomDigits { get; init; } = Blocks.RandomBlockWeights.DefaultDigits;

    /// <summary>X's upper limits, one per list entry (supermerger's default: 1 each).</summary>
    public string? RandomUpper { get; init; }

    /// <summary>X's lower limits, one per list entry (supermerger's default: 0 each).</summary>
    public string? RandomLower { get; init; }

    /// <summary>
    /// Elemental merge (supermerger's "Elemental"): <c>BLOCKS:ELEMENTS:RATIO</c> entries overriding α per key after
    /// the block weights (see <see cref="Blocks.ElementalWeights"/>); null for none.
    /// </summary>
    public string? Elemental { get; init; }

    /// <summary>
    /// supermerger's "Adjust" (<c>fineman</c>): up to 8 comma-separated values — detail IN, detail OUT, detail OUT2,
    /// contrast, brightness, colour 1–3 — applied to the U-Net's input and output layers after merging; null for none.
    /// </summary>
    public string? Adjust { get; init; }

    /// <summary>
    /// supermerger's "use old calc method": calcmode normal's ws, st and ts formulas in the inputs' own dtypes instead
    /// of torch.lerp on f32 (see <c>Execution.OldCalcMerge</c>).
    /// </summary>
    public bool OldCalc { get; init; }

    /// <summary>What happens to CLIP position ids.</summary>
    public PositionIdsPolicy PositionIds { get; init; } = PositionIdsPolicy.Reset;

    /// <summary>Output dtype of floating tensors.</summary>
    public OutputDType OutputDType { get; init; } = OutputDType.Keep;

    /// <summary>Exclude items: block ids, ranges, <c>VAE</c> or key substrings (see <see cref="Blocks.BlockFilter"/>); excluded keys keep A.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>Include items: when given, keys matching none of them keep A.</summary>
    public IReadOnlyList<string> Include { get; init; } = [];

    /// <summary>Model A, the base whose keys, order and dtypes the output follows.</summary>
    public MergeInput A { get; init; } = new(string.Empty);

    /// <summary>Model B.</summary>
    public MergeInput? B { get; init; }

    /// <summary>Model C (add difference, triple sum, sum twice, extract).</summary>
    public MergeInput? C { get; init; }

    /// <summary>
    /// Entries the user adds to the output's metadata (<c>merge --meta key=value</c>), after everything fastmerge writes;
    /// they may replace a <c>modelspec.*</c> entry but not the keys the merge is read from. Not part of the recorded
    /// recipe (<c>fastmerge.recipe</c>) nor of recipe equality.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> UserMetadata { get; init; } = [];

    /// <summary>True when the mode or calcmode reads β.</summary>
    public bool UsesBeta => MergeModeCatalog.Get(Mode).UsesBeta || CalcModeCatalog.Get(CalcMode).UsesBeta;

    /// <summary>True when the mode reads model C.</summary>
    public bool UsesModelC => MergeModeCatalog.Get(Mode).UsesC;

    /// <summary>True when any block weight list (α, β or scaled sum) is given.</summary>
    public bool UsesBlockWeights => WeightsAlpha is not null || WeightsBeta is not null || ScaledSumWeightsA is not null || ScaledSumWeightsB is not null;

    /// <inheritdoc />
    public bool Equals(MergeRecipe? other) =>
        other is not null &&
        Mode == other.Mode && CalcMode == other.CalcMode &&
        Alpha.Equals(other.Alpha) && Beta.Equals(other.Beta) && Gamma.Equals(other.Gamma) &&
        WeightsAlpha == other.WeightsAlpha && WeightsBeta == other.WeightsBeta &&
        ScaledSumWeightsA == other.ScaledSumWeightsA && ScaledSumWeightsB == other.ScaledSumWeightsB &&
        Seed == other.Seed && RandomDigits == other.RandomDigits && RandomUpper == other.RandomUpper && RandomLower == other.RandomLower &&
        Elemental == other.Elemental && Adjust == other.Adjust && OldCalc == other.OldCalc &&
        PositionIds == other.PositionIds && OutputDType == other.OutputDType &&
        Exclude.SequenceEqual(other.Exclude) && Include.SequenceEqual(other.Include) &&
        A == other.A && B == other.B && C == other.C;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Mode, CalcMode, Alpha, Beta, WeightsAlpha, A, B, C);
}
