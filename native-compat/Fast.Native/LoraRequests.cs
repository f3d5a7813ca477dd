using System.Text.Json;
using Fast.Merging.Lora.Bake;
using Fast.Merging.Lora.Extract;
using Fast.Merging.Lora.Merge;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Native;

/// <summary>
/// The arguments of <c>fm_lora_bake_json</c>, <c>fm_lora_extract_json</c> and <c>fm_lora_merge_json</c>, the options of
/// <c>fastmerge lora bake</c>, <c>lora extract</c> and <c>lora merge</c> as JSON (see fastmerge.h). Unknown members are rejected.
/// </summary>
internal static class LoraRequests
{
    private const string BakeWhat = "lora bake options";
    private const string ExtractWhat = "lora extract options";
    private const string MergeWhat = "lora merge options";

    private static readonly Dictionary<string, LoraMergeMode> s_mergeModes = new(StringComparer.Ordinal)
    {
        ["sum"] = LoraMergeMode.Sum,
        ["concat"] = LoraMergeMode.Concat,
    };

    private static readonly Dictionary<string, DType> s_loraDTypes = new(StringComparer.Ordinal)
    {
        ["fp32"] = DType.F32,
        ["fp16"] = DType.F16,
        ["bf16"] = DType.BF16,
    };

    public static (string Model, IReadOnlyList<LoraInput> Loras, string Output, LoraBakeOptions Options) ParseBake(string json)
    {
        using JsonDocument document = JsonRequest.Parse(json, BakeWhat);
        JsonElement root = document.RootElement;
        JsonRequest.EnsureOnly(root, BakeWhat, "model", "loras", "output", "dtype", "threads", "overwrite", "no_mmap");
        List<LoraInput> loras = Loras(root, BakeWhat);

        string? dtype = JsonRequest.OptionalString(root, "dtype", BakeWhat);
        var options = new LoraBakeOptions
        {
            DType = dtype is null ? OutputDType.Keep
                : OutputDTypes.TryParse(dtype, out OutputDType parsed) ? parsed
                : throw new NativeInputException($"{BakeWhat}: \"dtype\" must be one of {string.Join(", ", OutputDTypes.Names)}, not \"{dtype}\""),
            Threads = JsonRequest.OptionalInt(root, "threads", BakeWhat, 0, 4096) ?? 0,
            Overwrite = JsonRequest.OptionalBool(root, "overwrite", BakeWhat) ?? false,
            ReadMode = JsonRequest.OptionalBool(root, "no_mmap", BakeWhat) == true ? ReadMode.Buffered : ReadMode.Mapped,
        };
        return (JsonRequest.RequiredString(root, "model", BakeWhat), loras, JsonRequest.RequiredString(root, "output", BakeWhat), options);
    }

    public static (string Tuned, string Base, string Output, LoraExtractOptions Options) ParseExtract(string json)
    {
        using JsonDocument document = JsonRequest.Parse(json, ExtractWhat);
        JsonElement root = document.RootElement;
        JsonRequest.EnsureOnly(root, ExtractWhat, "tuned", "base", "output", "rank", "conv_rank", "clamp_quantile", "min_diff", "dtype", "threads", "overwrite", "no_mmap");
        int rank = JsonRequest.OptionalInt(root, "rank", ExtractWhat, 1, 4096) ?? throw new NativeInputException($"{ExtractWhat}: \"rank\" is required");
        var options = new LoraExtractOptions
        {
            Rank = rank,
            ConvRank = JsonRequest.OptionalInt(root, "conv_rank", ExtractWhat, 1, 4096),
            ClampQuantile = root.TryGetProperty("clamp_quantile", out _) ? OptionalNumber(root, "clamp_quantile") : 0.99,
            MinDiff = OptionalNumber(root, "min_diff") ?? 0.01,
            DType = JsonRequest.OptionalChoice(root, "dtype", ExtractWhat, s_loraDTypes) ?? DType.F32,
            Threads = JsonRequest.OptionalInt(root, "threads", ExtractWhat, 0, 4096) ?? 0,
            Overwrite = JsonRequest.OptionalBool(root, "overwrite", ExtractWhat) ?? false,
            ReadMode = JsonRequest.OptionalBool(root, "no_mmap", ExtractWhat) == true ? ReadMode.Buffered : ReadMode.Mapped,
        };
        return (JsonRequest.RequiredString(root, "tuned", ExtractWhat), JsonRequest.RequiredString(root, "base", ExtractWhat), JsonRequest.RequiredString(root, "output", ExtractWhat), options);
    }

    public static (IReadOnlyList<LoraInput> Loras, string Output, LoraMergeOptions Options) ParseMerge(string json)
    {
        using JsonDocument document = JsonRequest.Parse(json, MergeWhat);
        JsonElement root = document.RootElement;
        JsonRequest.EnsureOnly(root, MergeWhat, "loras", "output", "mode", "same_strength", "dtype", "overwrite", "no_mmap");
        var options = new LoraMergeOptions
        {
            Mode = JsonRequest.OptionalChoice(root, "mode", MergeWhat, s_mergeModes) ?? LoraMergeMode.Sum,
            SameStrength = JsonRequest.OptionalBool(root, "same_strength", MergeWhat) ?? false,
            DType = JsonRequest.OptionalChoice(root, "dtype", MergeWhat, s_loraDTypes) ?? DType.F32,
            Overwrite = JsonRequest.OptionalBool(root, "overwrite", MergeWhat) ?? false,
            ReadMode = JsonRequest.OptionalBool(root, "no_mmap", MergeWhat) == true ? ReadMode.Buffered : ReadMode.Mapped,
        };
        return (Loras(root, MergeWhat), JsonRequest.RequiredString(root, "output", MergeWhat), options);
    }

    // "loras": a non-empty array of "FILE[:STRENGTH[:PRESET|LIST]]" strings.
    private static List<LoraInput> Loras(JsonElement root, string what)
    {
        if (!root.TryGetProperty("loras", out JsonElement list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0
            || list.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(e.GetString())))
        {
            throw new NativeInputException($"{what}: \"loras\" must be a non-empty array of \"FILE[:STRENGTH[:PRESET|LIST]]\" strings");
        }

        return list.EnumerateArray().Select(e => LoraInput.Parse(e.GetString()!)).ToList();
    }

    // A number, or null (absent or JSON null): "clamp_quantile": null turns the clamp off.
    private static double? OptionalNumber(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double number) && double.IsFinite(number)
            ? number
            : throw new NativeInputException($"{ExtractWhat}: \"{name}\" must be a number or null");
    }
}
