using System.Text.Json.Serialization;

namespace Fast.Merging;

/// <summary>How A, B (and C) are combined per key (SPEC §3).</summary>
public enum MergeMode
{
    /// <summary><c>ws</c>, "Weight sum": lerp(A, B, α).</summary>
    [JsonStringEnumMemberName("ws")]
    WeightSum,

    /// <summary><c>ad</c>, "Add difference": A + α·(B − C).</summary>
    [JsonStringEnumMemberName("ad")]
    AddDifference,

    /// <summary><c>ts</c>, "Triple sum": (1−α−β)·A + α·B + β·C.</summary>
    [JsonStringEnumMemberName("ts")]
    TripleSum,

    /// <summary><c>st</c>, "sum Twice": lerp(lerp(A, B, α), C, β).</summary>
    [JsonStringEnumMemberName("st")]
    SumTwice,

    /// <summary><c>ss</c>, "Scaled sum": a·A + b·B with separate factors, no normalisation.</summary>
    [JsonStringEnumMemberName("ss")]
    ScaledSum,

    /// <summary><c>delta</c>, "Add delta": A + α·B, B a difference model (sd-mecha's two-model add_difference).</summary>
    [JsonStringEnumMemberName("delta")]
    AddDelta,
}
