using System.Text.Json;
using Fast.Merging.Doctor;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Native;

/// <summary>
/// The argument of <c>fm_fix_json</c>, the options of <c>fastmerge fix</c> as JSON:
/// <code>{"input": "in.safetensors", "output": "out.safetensors", "position_ids": "reset", "prune": false,
///  "dtype": "keep", "vae": null, "clip": null, "rename_nai": false, "nan_to_num": false, "overwrite": false,
///  "no_mmap": false}</code>
/// Only input and output are required; unknown members are rejected.
/// </summary>
internal sealed record FixRequest(string Input, string Output, FixOptions Options)
{
    private const string What = "fix options";

    private static readonly Dictionary<string, PositionIdsPolicy> s_policies = new(StringComparer.Ordinal)
    {
        ["reset"] = PositionIdsPolicy.Reset,
        ["keep"] = PositionIdsPolicy.Keep,
    };

    public static FixRequest Parse(string json)
    {
        using JsonDocument document = JsonRequest.Parse(json, What);
        JsonElement root = document.RootElement;
        JsonRequest.EnsureOnly(root, What, "input", "output", "position_ids", "prune", "dtype", "vae", "clip", "rename_nai", "nan_to_num", "overwrite", "no_mmap");
        var options = new FixOptions
        {
            PositionIds = JsonRequest.OptionalChoice(root, "position_ids", What, s_policies) ?? PositionIdsPolicy.Reset,
            Prune = JsonRequest.OptionalBool(root, "prune", What) ?? false,
            DType = DType(root),
            VaePath = JsonRequest.OptionalString(root, "vae", What),
            ClipPath = JsonRequest.OptionalString(root, "clip", What),
            RenameNai = JsonRequest.OptionalBool(root, "rename_nai", What) ?? false,
            NanToNum = JsonRequest.OptionalBool(root, "nan_to_num", What) ?? false,
            Overwrite = JsonRequest.OptionalBool(root, "overwrite", What) ?? false,
            ReadMode = JsonRequest.OptionalBool(root, "no_mmap", What) == true ? ReadMode.Buffered : ReadMode.Mapped,
        };
        return new FixRequest(JsonRequest.RequiredString(root, "input", What), JsonRequest.RequiredString(root, "output", What), options);
    }

    // The one dtype table (OutputDTypes) decides, as for the CLI and recipes.
    private static OutputDType DType(JsonElement root) =>
        JsonRequest.OptionalString(root, "dtype", What) is not { } text ? OutputDType.Keep
        : OutputDTypes.TryParse(text, out OutputDType dtype) ? dtype
        : throw new NativeInputException($"{What}: \"dtype\" must be one of {string.Join(", ", OutputDTypes.Names)}, not \"{text}\"");
}
