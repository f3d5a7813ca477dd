using System.Text.Json.Serialization;

namespace Fast.Merging.Recipes;

/// <summary>What happens to CLIP position ids (SPEC §7).</summary>
public enum PositionIdsPolicy
{
    /// <summary>Write int64 <c>[[0..n-1]]</c> whatever the inputs hold (default).</summary>
    [JsonStringEnumMemberName("reset")]
    Reset,

    /// <summary>A's tensor exactly as stored.</summary>
    [JsonStringEnumMemberName("keep")]
    Keep,

    /// <summary>Merge them like weights, as broken mergers did.</summary>
    [JsonStringEnumMemberName("merge")]
    Merge,
}
