using System.Globalization;
using System.Text.Json;
using Fast.Merging;
using Fast.Merging.Lora;
using Fast.SafeTensors;

namespace Fast.Cli.Commands;

/// <summary>The LoRA lines of <c>inspect</c>: families, targets, ranks, LoCon, alpha, DoRA.</summary>
internal static class LoraSummaryOutput
{
    public static LoraSummary? Of(SafeTensorsFile file) =>
        LoraRecognizer.Recognize(file.Tensors.Select(t => new TensorKey(t.Name, t.Shape)));

    public static void WriteText(TextWriter o, LoraSummary? lora)
    {
        if (lora is null)
        {
            return;
        }

        string families = string.Join(", ", lora.Modules.OrderByDescending(p => p.Value).Select(p => $"{Name(p.Key)} {p.Value}"));
        string targets = string.Join(", ", lora.Targets.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value}"));
        string ranks = string.Join(", ", lora.Ranks.OrderBy(p => p.Key).Select(p => p.Key == 0 ? $"no rank ×{p.Value}" : $"{p.Key} ×{p.Value}"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  LoRA: {lora.ModuleCount} modules ({families}); targets {targets}"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"        rank {ranks}; conv (LoCon) {lora.ConvModules}, alpha {lora.WithAlpha}, DoRA {lora.WithDora}"));
        if (lora.Incomplete.Count > 0)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"        incomplete modules: {lora.Incomplete.Count} (first: {lora.Incomplete[0]})"));
        }
    }

    public static void WriteJson(Utf8JsonWriter w, LoraSummary? lora)
    {
        if (lora is null)
        {
            w.WriteNull("lora");
            return;
        }

        w.WriteStartObject("lora");
        w.WriteNumber("modules", lora.ModuleCount);
        w.WriteStartObject("families");
        foreach ((LoraFamily family, int count) in lora.Modules)
        {
            w.WriteNumber(Name(family), count);
        }

        w.WriteEndObject();
        w.WriteStartObject("targets");
        foreach ((string target, int count) in lora.Targets)
        {
            w.WriteNumber(target, count);
        }

        w.WriteEndObject();
        w.WriteStartObject("ranks");
        foreach ((long rank, int count) in lora.Ranks.OrderBy(p => p.Key))
        {
            w.WriteNumber(rank.ToString(CultureInfo.InvariantCulture), count);
        }

        w.WriteEndObject();
        w.WriteNumber("conv_modules", lora.ConvModules);
        w.WriteNumber("with_alpha", lora.WithAlpha);
        w.WriteNumber("with_dora", lora.WithDora);
        w.WriteNumber("incomplete", lora.Incomplete.Count);
        w.WriteEndObject();
    }

    private static string Name(LoraFamily family) => family switch
    {
        LoraFamily.Kohya => "kohya",
        LoraFamily.Peft => "peft",
        LoraFamily.Diffusers => "diffusers",
        LoraFamily.LoHa => "loha",
        LoraFamily.LoKr => "lokr",
        LoraFamily.Full => "full",
        LoraFamily.Norm => "norm",
        _ => "none",
    };
}
