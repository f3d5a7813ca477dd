using System.Buffers;
using System.Text.Json;
using Fast.Merging.Recipes;

namespace Fast.Merging.Bulk;

/// <summary>
/// Reads a PLAN: JSON Lines, one variant per line, each an object with the recipe JSON schema's members
/// (<see cref="RecipeJson"/>: <c>mode</c>, <c>calcmode</c>, <c>alpha</c>, <c>a</c>: {<c>path</c>}, …) plus <c>"out"</c>,
/// the output path. Blank lines are skipped. Paths are used as written (relative ones from the current folder), so
/// the recipe recorded in each output is what <c>fastmerge merge</c> with the same arguments records. Every bad line is
/// reported with its number; whether the recipe can be merged is decided later, per variant.
/// </summary>
public static class BulkPlanParser
{
    private const string OutMember = "out";

    /// <summary>Reads the PLAN file at <paramref name="path"/>.</summary>
    /// <exception cref="BulkPlanException">A line is not a variant, or two variants share an output.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static BulkPlan ParseFile(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Reads PLAN text; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="BulkPlanException">A line is not a variant, or two variants share an output.</exception>
    public static BulkPlan Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var variants = new List<BulkVariant>();
        var errors = new List<BulkPlanError>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                (MergeRecipe recipe, string output) = ParseLine(line);
                variants.Add(new BulkVariant(variants.Count, recipe, output, i + 1));
            }
            catch (Exception e) when (e is JsonException or InvalidRecipeException or FormatException)
            {
                errors.Add(new BulkPlanError(i + 1, OneLine(e.Message)));
            }
        }

        errors.AddRange(DuplicateOutputs(variants));
        if (errors.Count > 0)
        {
            throw new BulkPlanException(source, [.. errors.OrderBy(e => e.Line)]);
        }

        if (variants.Count == 0)
        {
            throw new BulkPlanException(source, [new BulkPlanError(null, "the plan has no variants (one JSON object per line)")]);
        }

        return new BulkPlan(variants);
    }

    /// <summary>Variants that write the same file: the later ones are errors (the outputs would overwrite each other).</summary>
    internal static IEnumerable<BulkPlanError> DuplicateOutputs(IEnumerable<BulkVariant> variants)
    {
        var seen = new Dictionary<string, BulkVariant>(StringComparer.Ordinal);
        foreach (BulkVariant v in variants)
        {
            string full = Path.GetFullPath(v.OutputPath);
            if (seen.TryGetValue(full, out BulkVariant? first))
            {
                yield return new BulkPlanError(v.Line, $"{v.Label}: out {v.OutputPath} is also the output of {first.Label}");
            }
            else
            {
                seen.Add(full, v);
            }
        }
    }

    private static (MergeRecipe Recipe, string Output) ParseLine(string line)
    {
        // Duplicate members (also spelled differently, "out" and "\u006fut") are refused as the safetensors header
        // rules refuse them: last-wins would run another variant than the one the plan's author reviewed.
        using JsonDocument document = JsonDocument.Parse(line, new JsonDocumentOptions { AllowDuplicateProperties = false });
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("a variant must be a JSON object");
        }

        PlanStrings.EnsureUsable(root);

        string? output = null;
        var recipeJson = new ArrayBufferWriter<byte>(line.Length);
        using (var writer = new Utf8JsonWriter(recipeJson))
        {
            // Everything but "out" is the recipe; the recipe reader then rejects unknown members and bad values.
            writer.WriteStartObject();
            foreach (JsonProperty member in root.EnumerateObject())
            {
                if (member.NameEquals(OutMember))
                {
                    output = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : throw new FormatException("\"out\" must be a string (the output path)");
                    continue;
                }

                member.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        if (string.IsNullOrWhiteSpace(output))
        {
            throw new FormatException("\"out\" (the output path) is missing");
        }

        MergeRecipe recipe = RecipeJson.Deserialize(System.Text.Encoding.UTF8.GetString(recipeJson.WrittenSpan));
        return (recipe, output);
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
