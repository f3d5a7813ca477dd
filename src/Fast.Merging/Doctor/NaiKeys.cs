namespace Fast.Merging.Doctor;

/// <summary>
/// NAI-style SD1 checkpoints saved the inner CLIPTextTransformer directly under <c>cond_stage_model.transformer.</c>;
/// the standard layout (transformers' CLIPTextModel) puts it under <c>cond_stage_model.transformer.text_model.</c>.
/// </summary>
internal static class NaiKeys
{
    private const string NaiPrefix = "cond_stage_model.transformer.";
    private const string StandardPrefix = "cond_stage_model.transformer.text_model.";

    private static readonly string[] s_transformerParts = ["embeddings.", "encoder.", "final_layer_norm."];

    /// <summary>The standard name of a NAI-style CLIP key, or null when the key is not one.</summary>
    public static string? ToStandard(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.StartsWith(NaiPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        string rest = key[NaiPrefix.Length..];
        return s_transformerParts.Any(p => rest.StartsWith(p, StringComparison.Ordinal)) ? StandardPrefix + rest : null;
    }
}
