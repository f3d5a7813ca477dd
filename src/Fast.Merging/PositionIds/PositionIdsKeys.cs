namespace Fast.Merging.PositionIds;

/// <summary>Which keys hold CLIP position ids (SPEC §6.1).</summary>
public static class PositionIdsKeys
{
    /// <summary>The suffix every CLIP position-ids key ends with, whatever its prefix.</summary>
    public const string Suffix = "embeddings.position_ids";

    /// <summary>True for <c>…embeddings.position_ids</c> (SD1, NAI-style, SDXL's CLIP-L, diffusers).</summary>
    public static bool IsPositionIds(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.EndsWith(Suffix, StringComparison.Ordinal);
    }
}
