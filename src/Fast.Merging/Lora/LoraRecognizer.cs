namespace Fast.Merging.Lora;

/// <summary>
/// Recognises a LoRA file from its key names and shapes alone (no tensor is read): which families
/// wrote it, which model parts it targets, its ranks, LoCon conv layers, alpha and DoRA.
/// </summary>
public static class LoraRecognizer
{
    // kohya prefixes first (lora_te1_ before lora_te_), then the diffusers/PEFT module roots.
    private static readonly (string Prefix, string Target)[] s_targets =
    [
        ("lora_unet_", "unet"),
        ("lora_te1_", "text encoder 1"),
        ("lora_te2_", "text encoder 2"),
        ("lora_te3_", "text encoder 3"),
        ("lora_te_", "text encoder"),
        ("unet.", "unet"),
        ("transformer.", "transformer"),
        ("lora_transformer_", "transformer"),
        ("text_encoder_2.", "text encoder 2"),
        ("text_encoder.", "text encoder"),
        ("base_model.model.", "model"),
    ];

    /// <summary>The LoRA content of a file, or null when no key is a LoRA part.</summary>
    public static LoraSummary? Recognize(IEnumerable<TensorKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var modules = new Dictionary<string, Dictionary<LoraPart, IReadOnlyList<long>>>(StringComparer.Ordinal);
        var families = new Dictionary<string, LoraFamily>(StringComparer.Ordinal);
        foreach (TensorKey key in keys)
        {
            if (!LoraSuffixes.TrySplit(key.Name, out string module, out LoraPart part, out LoraFamily family))
            {
                continue;
            }

            if (!modules.TryGetValue(module, out Dictionary<LoraPart, IReadOnlyList<long>>? parts))
            {
                parts = [];
                modules.Add(module, parts);
            }

            parts[part] = key.Shape;

            // A dora_scale sits beside any module's factors (LoRA, LoHa, LoKr): it says DoRA, not which family.
            if (family != LoraFamily.None && part != LoraPart.DoraScale)
            {
                families[module] = family;
            }
        }

        if (families.Count == 0)
        {
            return null;
        }

        var byFamily = new Dictionary<LoraFamily, int>();
        var byTarget = new Dictionary<string, int>(StringComparer.Ordinal);
        var byRank = new Dictionary<long, int>();
        var incomplete = new List<string>();
        int conv = 0, alpha = 0, dora = 0;
        foreach ((string module, Dictionary<LoraPart, IReadOnlyList<long>> parts) in modules)
        {
            if (!families.TryGetValue(module, out LoraFamily family))
            {
                incomplete.Add(module); // an alpha with no weights
                continue;
            }

            Increment(byFamily, family);
            Increment(byTarget, TargetOf(module));
            Increment(byRank, RankOf(family, parts));
            conv += IsConv(parts) ? 1 : 0;
            alpha += parts.ContainsKey(LoraPart.Alpha) ? 1 : 0;
            dora += parts.ContainsKey(LoraPart.DoraScale) ? 1 : 0;
            if (!IsComplete(family, parts))
            {
                incomplete.Add(module);
            }
        }

        incomplete.Sort(StringComparer.Ordinal);
        return new LoraSummary(byFamily, byTarget, byRank, conv, alpha, dora, incomplete);
    }

    private static void Increment<T>(Dictionary<T, int> counts, T key)
        where T : notnull =>
        counts[key] = counts.GetValueOrDefault(key) + 1;

    private static string TargetOf(string module)
    {
        foreach ((string prefix, string target) in s_targets)
        {
            if (module.StartsWith(prefix, StringComparison.Ordinal))
            {
                return target;
            }
        }

        return "other";
    }

    // The rank is the inner dimension of the low-rank product: rows of down (kohya, PEFT, diffusers),
    // columns of LoHa's w1_a, columns of LoKr's factored w1_a/w2_a. Full diffs and norms have none.
    private static long RankOf(LoraFamily family, Dictionary<LoraPart, IReadOnlyList<long>> parts)
    {
        IReadOnlyList<long>? shape;
        return family switch
        {
            LoraFamily.Kohya or LoraFamily.Peft or LoraFamily.Diffusers when parts.TryGetValue(LoraPart.Down, out shape) && shape.Count >= 2 => shape[0],
            LoraFamily.LoHa when parts.TryGetValue(LoraPart.HadaW1A, out shape) && shape.Count == 2 => shape[1],
            LoraFamily.LoKr when parts.TryGetValue(LoraPart.LokrW2A, out shape) && shape.Count == 2 => shape[1],
            LoraFamily.LoKr when parts.TryGetValue(LoraPart.LokrW1A, out shape) && shape.Count == 2 => shape[1],
            _ => 0,
        };
    }

    private static bool IsConv(Dictionary<LoraPart, IReadOnlyList<long>> parts) =>
        (parts.TryGetValue(LoraPart.Down, out IReadOnlyList<long>? down) && down.Count == 4)
        || (parts.TryGetValue(LoraPart.HadaW1B, out IReadOnlyList<long>? hada) && hada.Count == 4)
        || parts.ContainsKey(LoraPart.HadaT1) || parts.ContainsKey(LoraPart.LokrT2)
        || (parts.TryGetValue(LoraPart.LokrW2, out IReadOnlyList<long>? w2) && w2.Count == 4)
        || (parts.TryGetValue(LoraPart.LokrW2B, out IReadOnlyList<long>? w2b) && w2b.Count == 4);

    private static bool IsComplete(LoraFamily family, Dictionary<LoraPart, IReadOnlyList<long>> parts) => family switch
    {
        LoraFamily.Kohya or LoraFamily.Peft or LoraFamily.Diffusers => parts.ContainsKey(LoraPart.Down) && parts.ContainsKey(LoraPart.Up),
        LoraFamily.LoHa => parts.ContainsKey(LoraPart.HadaW1A) && parts.ContainsKey(LoraPart.HadaW1B) && parts.ContainsKey(LoraPart.HadaW2A) && parts.ContainsKey(LoraPart.HadaW2B),
        LoraFamily.LoKr => (parts.ContainsKey(LoraPart.LokrW1) || (parts.ContainsKey(LoraPart.LokrW1A) && parts.ContainsKey(LoraPart.LokrW1B)))
            && (parts.ContainsKey(LoraPart.LokrW2) || (parts.ContainsKey(LoraPart.LokrW2A) && parts.ContainsKey(LoraPart.LokrW2B))),
        LoraFamily.Full => parts.ContainsKey(LoraPart.FullDiff) || parts.ContainsKey(LoraPart.FullDiffBias),
        _ => true,
    };
}
