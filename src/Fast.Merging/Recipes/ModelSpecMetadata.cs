using System.Globalization;
using Fast.Merging.Architectures;

namespace Fast.Merging.Recipes;

/// <summary>
/// The Stability AI model spec keys (<c>modelspec.*</c>, github.com/Stability-AI/ModelSpec) of a merge's output, with
/// the architecture ids and implementation values kohya-ss/sd-scripts (<c>library/sai_model_spec.py</c>) and ComfyUI
/// (<c>comfy_extras/nodes_model_merging.py</c>) write. An architecture without an established id gets no model spec
/// (as ComfyUI does), unless model A carries one. <c>modelspec.hash_sha256</c> is not written: it would have to be in
/// the header before the bytes it hashes, which costs a second pass over the output; the file's sha256 is in the
/// merge summary and the hash cache instead.
/// </summary>
internal static class ModelSpecMetadata
{
    /// <summary>The spec version these keys follow (ComfyUI writes the same).</summary>
    public const string SpecVersion = "1.0.0";

    public const string Prefix = "modelspec.";

    private const string StabilityImplementation = "https://github.com/Stability-AI/generative-models";
    private const string FluxImplementation = "https://github.com/black-forest-labs/flux";

    /// <summary>The entries for an output, or none when the architecture has no model spec id.</summary>
    /// <param name="architecture">The recognised architecture of model A.</param>
    /// <param name="title">The output's title.</param>
    /// <param name="inputs">The inputs A, B, C: their file paths and metadata.</param>
    /// <param name="date">The day the output is made.</param>
    public static List<KeyValuePair<string, string>> For(
        ArchitectureId architecture, string title, IReadOnlyList<(string Path, IReadOnlyList<KeyValuePair<string, string>> Metadata)> inputs, DateOnly date)
    {
        IReadOnlyList<KeyValuePair<string, string>> a = inputs[0].Metadata;
        string? id = Lookup(a, Prefix + "architecture") ?? Architecture(architecture, a);
        if (id is null)
        {
            return [];
        }

        var entries = new List<KeyValuePair<string, string>>
        {
            new(Prefix + "sai_model_spec", SpecVersion),
            new(Prefix + "architecture", id),
            new(Prefix + "implementation", id.StartsWith("flux", StringComparison.Ordinal) ? FluxImplementation : StabilityImplementation),
            new(Prefix + "title", title),
            new(Prefix + "resolution", Resolution(id)),
            new(Prefix + "date", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            new(Prefix + "merged_from", string.Join(", ", inputs.Select(i => Lookup(i.Metadata, Prefix + "title") ?? Path.GetFileNameWithoutExtension(i.Path)))),
        };

        // What the weights cannot tell: A's prediction type, when A records it (the merge copies A's markers too).
        if (Lookup(a, Prefix + "prediction_type") is { } prediction)
        {
            entries.Add(new(Prefix + "prediction_type", prediction));
        }

        return entries;
    }

    /// <summary>
    /// The day an output is dated: <c>SOURCE_DATE_EPOCH</c> (seconds, the reproducible-builds convention) when set,
    /// so a rerun on another day can write the same bytes; otherwise today (UTC).
    /// </summary>
    public static DateOnly Today()
    {
        string? epoch = Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH");
        return long.TryParse(epoch, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) && seconds <= 253_402_300_799
            ? DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime)
            : DateOnly.FromDateTime(DateTime.UtcNow);
    }

    private static string? Architecture(ArchitectureId architecture, IReadOnlyList<KeyValuePair<string, string>> a) => architecture switch
    {
        ArchitectureId.Sd1 => "stable-diffusion-v1",
        ArchitectureId.Sd1Inpainting => "stable-diffusion-v1-inpainting",
        ArchitectureId.Sd2 => Lookup(a, Prefix + "prediction_type") == "v" ? "stable-diffusion-v2-768-v" : "stable-diffusion-v2-512",
        ArchitectureId.Sdxl => "stable-diffusion-xl-v1-base",
        ArchitectureId.SdxlRefiner => "stable-diffusion-xl-v1-refiner",
        ArchitectureId.Sd3Medium => "stable-diffusion-v3-medium",
        ArchitectureId.Flux1Dev => "flux-1-dev",
        ArchitectureId.Flux1Schnell => "flux-1-schnell",
        _ => null,
    };

    private static string Resolution(string architecture) =>
        architecture.StartsWith("stable-diffusion-xl", StringComparison.Ordinal) || architecture.StartsWith("stable-diffusion-v3", StringComparison.Ordinal) || architecture.StartsWith("flux", StringComparison.Ordinal)
            ? "1024x1024"
            : architecture.Contains("768", StringComparison.Ordinal) ? "768x768" : "512x512";

    internal static string? Lookup(IReadOnlyList<KeyValuePair<string, string>> metadata, string key)
    {
        foreach ((string k, string v) in metadata)
        {
            if (string.Equals(k, key, StringComparison.Ordinal))
            {
                return v;
            }
        }

        return null;
    }
}
