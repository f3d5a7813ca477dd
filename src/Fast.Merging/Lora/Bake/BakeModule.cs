using Fast.SafeTensors;

namespace Fast.Merging.Lora.Bake;

/// <summary>One module of a LoRA file that bake can add into a weight, by its kohya-ss name.</summary>
internal abstract record BakeModule(string Name, TensorInfo? Alpha)
{
    /// <summary>The DoRA magnitude (<c>dora_scale</c>) when the module has one.</summary>
    public TensorInfo? DoraScale { get; init; }
}

/// <summary>A low-rank pair: kohya-ss <c>lora_down</c>/<c>lora_up</c> or PEFT <c>lora_A</c>/<c>lora_B</c>.</summary>
internal sealed record LowRankModule(string Name, KohyaModule Pair) : BakeModule(Name, Pair.Alpha);

/// <summary>LyCORIS LoHa: <c>ΔW = (w1_a · w1_b) ⊙ (w2_a · w2_b)</c>, scaled by <c>alpha / rank</c> (rank: rows of <c>w1_b</c>).</summary>
internal sealed record HadamardModule(string Name, TensorInfo W1A, TensorInfo W1B, TensorInfo W2A, TensorInfo W2B, TensorInfo? Alpha) : BakeModule(Name, Alpha);

/// <summary>
/// LyCORIS LoKr: <c>ΔW = w1 ⊗ w2</c> (Kronecker), each factor stored whole or as a low-rank pair; scaled by
/// <c>alpha / rank</c> of a factored pair (w2's when both are), else by 1.
/// </summary>
internal sealed record KroneckerModule(
    string Name, TensorInfo? W1, TensorInfo? W1A, TensorInfo? W1B, TensorInfo? W2, TensorInfo? W2A, TensorInfo? W2B, TensorInfo? Alpha) : BakeModule(Name, Alpha);

/// <summary>Reads the modules bake applies from a LoRA file.</summary>
internal static class BakeModules
{
    /// <summary>Every module of <paramref name="file"/> in file order, named as kohya-ss names it.</summary>
    /// <exception cref="LoraException">A module is of a kind bake cannot apply (PEFT DoRA, Tucker factors, full diffs, norms) or misses a part.</exception>
    public static IReadOnlyList<BakeModule> Read(SafeTensorsFile file, bool isSdxl)
    {
        var parts = new Dictionary<string, Dictionary<LoraPart, TensorInfo>>(StringComparer.Ordinal);
        var families = new Dictionary<string, LoraFamily>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (TensorInfo t in file.Tensors)
        {
            if (!LoraSuffixes.TrySplit(t.Name, out string module, out LoraPart part, out LoraFamily family))
            {
                continue;
            }

            // A kohya/LyCORIS dora_scale rides on whichever module it belongs to; PEFT's lora_magnitude_vector is the
            // norm of another layout (per output row of a 1-D vector, PEFT's own strength rule) and stays refused.
            if (part is LoraPart.Mid or LoraPart.HadaT1 or LoraPart.HadaT2 or LoraPart.LokrT2
                || (part is LoraPart.DoraScale && family is not LoraFamily.Kohya)
                || family is LoraFamily.Diffusers or LoraFamily.Full or LoraFamily.Norm)
            {
                throw new LoraException($"{file.Path}: '{t.Name}' is a {Describe(family, part)} part; bake applies kohya-ss LoRA/LoCon, PEFT lora_A/lora_B, LyCORIS LoHa and LoKr modules");
            }

            if (!parts.TryGetValue(module, out Dictionary<LoraPart, TensorInfo>? found))
            {
                found = [];
                parts.Add(module, found);
                order.Add(module);
            }

            found[part] = t;
            if (family != LoraFamily.None && part != LoraPart.DoraScale)
            {
                families[module] = family;
            }
        }

        var modules = new List<BakeModule>();
        foreach (string name in order)
        {
            Dictionary<LoraPart, TensorInfo> p = parts[name];
            if (!families.TryGetValue(name, out LoraFamily family))
            {
                if (p.TryGetValue(LoraPart.DoraScale, out TensorInfo? lone))
                {
                    throw new LoraException($"{file.Path}: '{lone.Name}' has no LoRA factors (lora_down/lora_up, hada_*, lokr_*) beside it");
                }

                continue; // an alpha without weights changes nothing
            }

            TensorInfo? alpha = p.GetValueOrDefault(LoraPart.Alpha);
            BakeModule module = family switch
            {
                LoraFamily.Kohya => new LowRankModule(name, Pair(file, name, p, alpha, "lora_down", "lora_up")),
                LoraFamily.Peft => new LowRankModule(PeftNames.ToKohya(name, isSdxl), Pair(file, name, p, alpha, "lora_A", "lora_B")),
                LoraFamily.LoHa => new HadamardModule(
                    name, Need(file, name, p, LoraPart.HadaW1A, "hada_w1_a"), Need(file, name, p, LoraPart.HadaW1B, "hada_w1_b"),
                    Need(file, name, p, LoraPart.HadaW2A, "hada_w2_a"), Need(file, name, p, LoraPart.HadaW2B, "hada_w2_b"), alpha),
                LoraFamily.LoKr => Kronecker(file, name, p, alpha),
                _ => throw new LoraException($"{file.Path}: module '{name}' is a {Describe(family, LoraPart.Down)} module, which bake does not apply"),
            };
            modules.Add(module with { DoraScale = p.GetValueOrDefault(LoraPart.DoraScale) });
        }

        if (modules.Count == 0)
        {
            throw new LoraException($"{file.Path}: no LoRA modules (lora_down/lora_up, lora_A/lora_B, hada_*, lokr_*) in this file");
        }

        return modules;
    }

    private static KohyaModule Pair(SafeTensorsFile file, string name, Dictionary<LoraPart, TensorInfo> p, TensorInfo? alpha, string down, string up) =>
        new(name, Need(file, name, p, LoraPart.Down, down), Need(file, name, p, LoraPart.Up, up), alpha);

    private static KroneckerModule Kronecker(SafeTensorsFile file, string name, Dictionary<LoraPart, TensorInfo> p, TensorInfo? alpha)
    {
        TensorInfo? w1 = p.GetValueOrDefault(LoraPart.LokrW1), w2 = p.GetValueOrDefault(LoraPart.LokrW2);
        TensorInfo? w1a = w1 is null ? Need(file, name, p, LoraPart.LokrW1A, "lokr_w1 or lokr_w1_a") : null;
        TensorInfo? w1b = w1 is null ? Need(file, name, p, LoraPart.LokrW1B, "lokr_w1_b") : null;
        TensorInfo? w2a = w2 is null ? Need(file, name, p, LoraPart.LokrW2A, "lokr_w2 or lokr_w2_a") : null;
        TensorInfo? w2b = w2 is null ? Need(file, name, p, LoraPart.LokrW2B, "lokr_w2_b") : null;
        return new KroneckerModule(name, w1, w1a, w1b, w2, w2a, w2b, alpha);
    }

    private static TensorInfo Need(SafeTensorsFile file, string name, Dictionary<LoraPart, TensorInfo> p, LoraPart part, string what) =>
        p.TryGetValue(part, out TensorInfo? t) ? t : throw new LoraException($"{file.Path}: module '{name}' has no {what}");

    private static string Describe(LoraFamily family, LoraPart part) => part switch
    {
        LoraPart.Mid => "LoCon Tucker (lora_mid)",
        LoraPart.DoraScale => "PEFT DoRA (lora_magnitude_vector)",
        LoraPart.HadaT1 or LoraPart.HadaT2 => "LoHa Tucker (hada_t1/hada_t2)",
        LoraPart.LokrT2 => "LoKr Tucker (lokr_t2)",
        _ => family switch
        {
            LoraFamily.Diffusers => "diffusers attention-processor",
            LoraFamily.Full => "LyCORIS full-diff",
            LoraFamily.Norm => "LyCORIS norm",
            _ => family.ToString(),
        },
    };
}
