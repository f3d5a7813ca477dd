using System.Text.Json.Serialization;

namespace Fast.Merging.Recipes;

/// <summary>
/// The JSON shape of a <see cref="MergeRecipe"/>. A separate settable type because the source generator assigns every
/// init-only member of a record, giving absent members default(T) instead of the recipe's documented defaults.
/// </summary>
internal sealed class RecipeDocument
{
    private static readonly MergeRecipe s_defaults = new();

    public MergeMode Mode { get; set; } = s_defaults.Mode;

    [JsonPropertyName("calcmode")]
    public CalcMode CalcMode { get; set; } = s_defaults.CalcMode;

    public double Alpha { get; set; } = s_defaults.Alpha;

    public double Beta { get; set; } = s_defaults.Beta;

    public double Gamma { get; set; } = s_defaults.Gamma;

    public string? WeightsAlpha { get; set; }

    public string? WeightsBeta { get; set; }

    public string? ScaledSumWeightsA { get; set; }

    public string? ScaledSumWeightsB { get; set; }

    public uint? Seed { get; set; }

    /// <summary>Written only when not the default 3, so recipes without random weights keep their JSON.</summary>
    public int? RandomDigits { get; set; }

    public string? RandomUpper { get; set; }

    public string? RandomLower { get; set; }

    public string? Elemental { get; set; }

    public string? Adjust { get; set; }

    /// <summary>Written only when set, so recipes without it keep their JSON.</summary>
    public bool? OldCalc { get; set; }

    public PositionIdsPolicy PositionIds { get; set; } = s_defaults.PositionIds;

    [JsonPropertyName("dtype")]
    [JsonConverter(typeof(OutputDTypeJsonConverter))]
    public OutputDType OutputDType { get; set; } = s_defaults.OutputDType;

    public List<string>? Exclude { get; set; }

    public List<string>? Include { get; set; }

    public InputDocument? A { get; set; }

    public InputDocument? B { get; set; }

    public InputDocument? C { get; set; }

    public static RecipeDocument From(MergeRecipe r) => new()
    {
        Mode = r.Mode,
        CalcMode = r.CalcMode,
        Alpha = r.Alpha,
        Beta = r.Beta,
        Gamma = r.Gamma,
        WeightsAlpha = r.WeightsAlpha,
        WeightsBeta = r.WeightsBeta,
        ScaledSumWeightsA = r.ScaledSumWeightsA,
        ScaledSumWeightsB = r.ScaledSumWeightsB,
        Seed = r.Seed,
        RandomDigits = r.RandomDigits == s_defaults.RandomDigits ? null : r.RandomDigits,
        RandomUpper = r.RandomUpper,
        RandomLower = r.RandomLower,
        Elemental = r.Elemental,
        Adjust = r.Adjust,
        OldCalc = r.OldCalc ? true : null,
        PositionIds = r.PositionIds,
        OutputDType = r.OutputDType,
        Exclude = [.. r.Exclude],
        Include = [.. r.Include],
        A = InputDocument.From(r.A),
        B = InputDocument.From(r.B),
        C = InputDocument.From(r.C),
    };

    public MergeRecipe ToRecipe() => new()
    {
        Mode = Mode,
        CalcMode = CalcMode,
        Alpha = Alpha,
        Beta = Beta,
        Gamma = Gamma,
        WeightsAlpha = WeightsAlpha,
        WeightsBeta = WeightsBeta,
        ScaledSumWeightsA = ScaledSumWeightsA,
        ScaledSumWeightsB = ScaledSumWeightsB,
        Seed = Seed,
        RandomDigits = RandomDigits ?? s_defaults.RandomDigits,
        RandomUpper = RandomUpper,
        RandomLower = RandomLower,
        Elemental = Elemental,
        Adjust = Adjust,
        OldCalc = OldCalc ?? false,
        PositionIds = PositionIds,
        OutputDType = OutputDType,
        Exclude = Exclude?.ToArray() ?? [],
        Include = Include?.ToArray() ?? [],
        A = A?.ToInput() ?? s_defaults.A,
        B = B?.ToInput(),
        C = C?.ToInput(),
    };
}

/// <summary>The JSON shape of a <see cref="MergeInput"/>.</summary>
internal sealed class InputDocument
{
    public string Path { get; set; } = string.Empty;

    public string? Sha256 { get; set; }

    public static InputDocument? From(MergeInput? input) => input is null ? null : new() { Path = input.Path, Sha256 = input.Sha256 };

    public MergeInput ToInput() => new(Path, Sha256);
}
