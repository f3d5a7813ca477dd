using System.Text.Json.Serialization;

namespace Fast.Merging;

/// <summary>The calculation applied within a mode (SPEC §4); names as supermerger spells them.</summary>
public enum CalcMode
{
    /// <summary>The plain mode formula.</summary>
    [JsonStringEnumMemberName("normal")]
    Normal,

    /// <summary>Cosine-similarity weighting favouring A.</summary>
    [JsonStringEnumMemberName("cosineA")]
    CosineA,

    /// <summary>Cosine-similarity weighting favouring B.</summary>
    [JsonStringEnumMemberName("cosineB")]
    CosineB,

    /// <summary>Train difference (add difference only).</summary>
    [JsonStringEnumMemberName("trainDifference")]
    TrainDifference,

    /// <summary>Median + gaussian filtered difference (add difference only); "smoothAdd MT" is the same result.</summary>
    [JsonStringEnumMemberName("smoothAdd")]
    SmoothAdd,

    /// <summary>Row/column slice exchange along dim 0 (weighted sum only).</summary>
    [JsonStringEnumMemberName("tensor")]
    Tensor,

    /// <summary>Slice exchange along dim 1 when wide enough (weighted sum only).</summary>
    [JsonStringEnumMemberName("tensor2")]
    Tensor2,

    /// <summary>Extract the common or differing part of B and C relative to A (three models, add difference).</summary>
    [JsonStringEnumMemberName("extract")]
    Extract,

    /// <summary>A times α, in A's dtype (supermerger's <c>self</c>); to_out, proj_out and norm keys keep A.</summary>
    [JsonStringEnumMemberName("self")]
    Self,

    /// <summary>A plus α times torch's <c>randn_like(A)</c> drawn from <c>--seed</c> (supermerger's <c>plus random</c>).</summary>
    [JsonStringEnumMemberName("plus random")]
    PlusRandom,
}
