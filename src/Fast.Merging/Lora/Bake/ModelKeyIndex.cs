namespace Fast.Merging.Lora.Bake;

/// <summary>Where a LoRA module's update lands: a model tensor, and the rows of it the update covers.</summary>
/// <param name="Key">The model tensor.</param>
/// <param name="RowOffset">First row (non-zero for k and v in a fused <c>in_proj_weight</c>).</param>
/// <param name="Rows">Rows covered; null for all of them.</param>
internal sealed record ModuleTarget(string Key, long RowOffset, long? Rows);

/// <summary>
/// The model's weights by the underscored names LoRA modules convert to: supermerger <c>pluslora</c>'s
/// <c>keychanger</c> (dots to underscores, <c>_weight</c> removed, then the text after <c>conditioner_embedders_</c>,
/// <c>wrapped_</c> or the first <c>model_</c>), and its <c>plusweightsqvk</c> fallback that sends the q, k and v
/// projections of OpenCLIP (SD2, SDXL's second text encoder) to thirds of the fused <c>in_proj_weight</c>.
/// </summary>
internal sealed class ModelKeyIndex
{
    private static readonly string[] s_qkv = ["_q_proj", "_k_proj", "_v_proj"];
    private readonly Dictionary<string, string> _byName = new(StringComparer.Ordinal);
    private readonly Func<string, IReadOnlyList<long>?> _shapeOf;

    public ModelKeyIndex(IEnumerable<string> modelKeys, Func<string, IReadOnlyList<long>?> shapeOf)
    {
        _shapeOf = shapeOf;
        foreach (string key in modelKeys)
        {
            if (Underscored(key) is { } name)
            {
                _byName[name] = key; // later keys win, as in the Python dict
            }
        }
    }

    /// <summary>The target of an underscored module name, or null when the model has none.</summary>
    public ModuleTarget? Find(string name)
    {
        if (_byName.TryGetValue(name, out string? key))
        {
            return new ModuleTarget(key, 0, null);
        }

        for (int part = 0; part < s_qkv.Length; part++)
        {
            string marker = s_qkv[part];
            int at = name.IndexOf(marker, StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }

            string fused = name.Remove(at, marker.Length) + "_in_proj";
            if (_byName.TryGetValue(fused, out string? inProj) && _shapeOf(inProj) is { Count: 2 } shape && shape[0] % 3 == 0)
            {
                long third = shape[0] / 3;
                return new ModuleTarget(inProj, part * third, third);
            }
        }

        return null;
    }

    private static string? Underscored(string key)
    {
        string s = key.Replace('.', '_').Replace("_weight", string.Empty, StringComparison.Ordinal);
        const string Embedders = "conditioner_embedders_";
        int at;
        if ((at = s.IndexOf(Embedders, StringComparison.Ordinal)) >= 0)
        {
            return s[(at + Embedders.Length)..];
        }

        if ((at = s.IndexOf("wrapped_", StringComparison.Ordinal)) >= 0)
        {
            return s[(at + "wrapped_".Length)..];
        }

        if (s.Contains("clip_l", StringComparison.Ordinal) || s.Contains("t5xxl", StringComparison.Ordinal))
        {
            return s.Replace("text_encoders_", string.Empty, StringComparison.Ordinal);
        }

        return (at = s.IndexOf("model_", StringComparison.Ordinal)) >= 0 ? s[(at + "model_".Length)..] : null;
    }
}
