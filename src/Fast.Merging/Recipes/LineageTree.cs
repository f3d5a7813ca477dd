using System.Globalization;
using System.Text.Json;

namespace Fast.Merging.Recipes;

/// <summary>One model of a lineage: a merge lists the models it was made from as its parents.</summary>
/// <param name="Role">How the child used it: A, B or C (empty for the file itself).</param>
/// <param name="Name">The model's name as recorded (file name), or the file's own name at the root.</param>
/// <param name="Sha256">Its full sha256 as recorded; null at the root and where the record has none.</param>
/// <param name="Recipe">A one-line summary of the recipe it was merged with; null when it is not a recorded merge.</param>
/// <param name="Parents">The models it was merged from, in order A, B, C.</param>
public sealed record LineageNode(string Role, string Name, string? Sha256, string? Recipe, IReadOnlyList<LineageNode> Parents)
{
    /// <summary>Generations of merges below this model: 0 for a model that is not a recorded merge.</summary>
    public int Depth => Parents.Count == 0 ? 0 : 1 + Parents.Max(p => p.Depth);
}

/// <summary>
/// Reads the merge history A1111 keeps in a model's metadata (and fastmerge, supermerger and SD.Next write the same
/// way): <c>sd_merge_recipe</c> names the parents by sha256 (<c>model_a/b/c</c> in supermerger's and fastmerge's
/// form, <c>primary/secondary/tertiary_model_hash</c> in A1111's), and <c>sd_merge_models</c> maps every model of the
/// lineage to its name and its own recipe. Values are parsed as A1111 parses metadata.
/// </summary>
public static class LineageTree
{
    private const int MaxDepth = 64;

    private static readonly (string Role, string[] Keys)[] s_parentKeys =
    [
        ("A", ["model_a", "primary_model_hash"]),
        ("B", ["model_b", "secondary_model_hash"]),
        ("C", ["model_c", "tertiary_model_hash"]),
    ];

    /// <summary>The lineage of a file from its metadata.</summary>
    /// <param name="name">The file's name (the root's label).</param>
    /// <param name="metadata">The file's <c>__metadata__</c>.</param>
    public static LineageNode Read(string name, IReadOnlyList<KeyValuePair<string, string>> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        string? recipeText = ModelSpecMetadata.Lookup(metadata, A1111MergeMetadata.RecipeKey);
        JsonElement? models = PythonJsonValue.TryParseObject(ModelSpecMetadata.Lookup(metadata, A1111MergeMetadata.ModelsKey), out JsonElement m) ? m : null;
        JsonElement? recipe = PythonJsonValue.TryParseObject(recipeText, out JsonElement r) ? r : null;
        return Node(string.Empty, name, null, recipe, models, [], 0);
    }

    private static LineageNode Node(string role, string name, string? sha256, JsonElement? recipe, JsonElement? models, HashSet<string> path, int depth)
    {
        if (recipe is not { } merge || depth >= MaxDepth)
        {
            return new LineageNode(role, name, sha256, null, []);
        }

        var parents = new List<LineageNode>();
        foreach ((string parentRole, string[] keys) in s_parentKeys)
        {
            string? hash = keys.Select(k => merge.TryGetProperty(k, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null).FirstOrDefault(v => v is not null);
            if (hash is null)
            {
                continue;
            }

            string parentName = "(not recorded)";
            JsonElement? parentRecipe = null;
            if (models is { } all && all.TryGetProperty(hash, out JsonElement entry) && entry.ValueKind == JsonValueKind.Object)
            {
                parentName = entry.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : parentName;
                if (entry.TryGetProperty(A1111MergeMetadata.RecipeKey, out JsonElement nested))
                {
                    // Written as a dict by A1111's lineage; a string where a writer stored the JSON text instead.
                    parentRecipe = nested.ValueKind == JsonValueKind.Object ? nested
                        : nested.ValueKind == JsonValueKind.String && PythonJsonValue.TryParseObject(nested.GetString(), out JsonElement parsed) ? parsed
                        : null;
                }
            }

            // A model that names itself among its ancestors (a hand-edited file) ends the walk there.
            bool cycle = !path.Add(hash);
            parents.Add(Node(parentRole, parentName, hash, cycle ? null : parentRecipe, models, path, depth + 1));
            if (!cycle)
            {
                path.Remove(hash);
            }
        }

        return new LineageNode(role, name, sha256, Summary(merge), parents);
    }

    /// <summary>"fastmerge ws, alpha 0.3, calcmode normal" or "webui Weighted sum, multiplier 0.3".</summary>
    private static string Summary(JsonElement recipe)
    {
        var parts = new List<string>();
        string head = string.Join(' ', new[] { Text(recipe, "type"), Text(recipe, "mode") ?? Text(recipe, "interp_method") ?? Text(recipe, "merge_mode") }.Where(p => p is not null));
        if (head.Length > 0)
        {
            parts.Add(head);
        }

        foreach (string key in new[] { "base_alpha", "multiplier", "alpha", "base_beta", "beta", "weights_alpha_orig", "calcmode" })
        {
            if (Text(recipe, key) is { } value && !(key == "base_beta" && value == "0"))
            {
                parts.Add($"{key} {value}");
            }
        }

        return string.Join(", ", parts);
    }

    private static string? Text(JsonElement recipe, string key) =>
        recipe.TryGetProperty(key, out JsonElement v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetDouble().ToString("R", CultureInfo.InvariantCulture),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        }
        : null;
}
