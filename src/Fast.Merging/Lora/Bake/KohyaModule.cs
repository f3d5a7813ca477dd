using Fast.SafeTensors;

namespace Fast.Merging.Lora.Bake;

/// <summary>One kohya-ss LoRA/LoCon module of a file: its <c>lora_down</c>, <c>lora_up</c> and <c>alpha</c>.</summary>
internal sealed record KohyaModule(string Name, TensorInfo Down, TensorInfo Up, TensorInfo? Alpha)
{
    /// <summary>The inner dimension: rows of <c>lora_down</c>.</summary>
    public long Rank => Down.Shape[0];

    /// <summary>
    /// The kohya modules of <paramref name="file"/>, in file order.
    /// </summary>
    /// <exception cref="LoraException">The file holds modules bake cannot apply (LyCORIS LoHa/LoKr, PEFT naming, DoRA, Tucker <c>lora_mid</c>) or a module misses a part.</exception>
    public static IReadOnlyList<KohyaModule> Read(SafeTensorsFile file)
    {
        var parts = new Dictionary<string, Dictionary<LoraPart, TensorInfo>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (TensorInfo t in file.Tensors)
        {
            if (!LoraSuffixes.TrySplit(t.Name, out string module, out LoraPart part, out LoraFamily family))
            {
                continue;
            }

            if (family is not (LoraFamily.Kohya or LoraFamily.None) || part is LoraPart.Mid or LoraPart.DoraScale)
            {
                throw new LoraException($"{file.Path}: '{t.Name}' is a {Describe(family, part)} part; bake applies kohya-ss LoRA/LoCon modules (lora_down/lora_up/alpha) only");
            }

            if (!parts.TryGetValue(module, out Dictionary<LoraPart, TensorInfo>? found))
            {
                found = [];
                parts.Add(module, found);
                order.Add(module);
            }

            found[part] = t;
        }

        var modules = new List<KohyaModule>();
        foreach (string name in order)
        {
            Dictionary<LoraPart, TensorInfo> p = parts[name];
            if (!p.TryGetValue(LoraPart.Down, out TensorInfo? down) || !p.TryGetValue(LoraPart.Up, out TensorInfo? up))
            {
                if (p.Count == 1 && p.ContainsKey(LoraPart.Alpha))
                {
                    continue; // an alpha without weights changes nothing
                }

                throw new LoraException($"{file.Path}: module '{name}' has no {(p.ContainsKey(LoraPart.Down) ? "lora_up" : "lora_down")}");
            }

            modules.Add(new KohyaModule(name, down, up, p.GetValueOrDefault(LoraPart.Alpha)));
        }

        if (modules.Count == 0)
        {
            throw new LoraException($"{file.Path}: no kohya-ss LoRA modules (lora_down/lora_up) in this file");
        }

        return modules;
    }

    private static string Describe(LoraFamily family, LoraPart part) => part switch
    {
        LoraPart.Mid => "LoCon Tucker (lora_mid)",
        LoraPart.DoraScale => "DoRA (dora_scale)",
        _ => family switch
        {
            LoraFamily.Peft => "PEFT (lora_A/lora_B)",
            LoraFamily.Diffusers => "diffusers attention-processor",
            LoraFamily.LoHa => "LyCORIS LoHa",
            LoraFamily.LoKr => "LyCORIS LoKr",
            LoraFamily.Full => "LyCORIS full-diff",
            LoraFamily.Norm => "LyCORIS norm",
            _ => family.ToString(),
        },
    };
}
