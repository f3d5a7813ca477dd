using Fast.Merging.Blocks;

namespace Fast.Merging.Recipes;

/// <summary>An input model as A1111 identifies it in <c>sd_merge_models</c>.</summary>
/// <param name="Name">The model's name as the UI lists it (file name).</param>
/// <param name="Sha256">Full lowercase sha256 of the file ("AutoV2" is its first 10 digits).</param>
/// <param name="LegacyHash">A1111's legacy hash: first 8 hex digits of sha256 over the 0x10000 bytes at 0x100000 ("AutoV1").</param>
public sealed record MergeModelInfo(string Name, string Sha256, string LegacyHash);

/// <summary>
/// The <c>sd_merge_recipe</c> and <c>sd_merge_models</c> metadata values, in the format supermerger (the reference)
/// writes, so the A1111/Forge model info shows the merge.
/// </summary>
/// <remarks>
/// Both values are JSON text as Python's <c>json.dumps</c> prints it. The recipe has supermerger's members:
/// <c>type</c>, <c>weights_alpha</c>/<c>weights_beta</c> (the block values without BASE when block weights are used,
/// else null), <c>weights_alpha_orig</c>/<c>weights_beta_orig</c> (the list or preset name as given),
/// <c>model_a</c>/<c>model_b</c>/<c>model_c</c> (full sha256), <c>base_alpha</c>, <c>base_beta</c>, <c>mode</c>
/// (supermerger's mode name), <c>mbw</c>, <c>elemental_merge</c> (always empty: not supported), <c>calcmode</c>, and the
/// filter under <c>Exclude</c>, <c>Include</c> or <c>Off</c>. Two deliberate differences: <c>type</c> names this tool,
/// and an absent model C is null (supermerger substitutes A's hash). <c>sd_merge_models</c> maps each input's sha256
/// to <c>{"name", "legacy_hash", "sd_merge_recipe"}</c>, A then B then C, a repeated model listed once, followed by
/// the models the inputs were themselves merged from (A1111's lineage).
/// </remarks>
public static class A1111MergeMetadata
{
    /// <summary>The metadata key of the recipe value.</summary>
    public const string RecipeKey = "sd_merge_recipe";

    /// <summary>The metadata key of the models value.</summary>
    public const string ModelsKey = "sd_merge_models";

    /// <summary>The <c>type</c> this tool writes into the recipe.</summary>
    public const string ToolType = "fastmerge";

    /// <summary>The <c>sd_merge_recipe</c> value.</summary>
    /// <param name="recipe">The recipe (model sha256 values are taken from its inputs).</param>
    /// <param name="weightsAlpha">The parsed α block weights, when the recipe has them.</param>
    /// <param name="weightsBeta">The parsed β block weights, when the recipe has them.</param>
    public static string RecipeValue(MergeRecipe recipe, BlockWeights? weightsAlpha, BlockWeights? weightsBeta)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var useBlocks = weightsAlpha is not null || weightsBeta is not null;
        var json = new PythonJsonWriter();
        json.BeginObject();
        json.Name("type");
        json.String(ToolType);
        WriteBlocks(json, "weights_alpha", useBlocks ? weightsAlpha : null);
        WriteBlocks(json, "weights_beta", useBlocks ? weightsBeta : null);
        json.Name("weights_alpha_orig");
        json.String(useBlocks ? recipe.WeightsAlpha : null);
        json.Name("weights_beta_orig");
        json.String(useBlocks ? recipe.WeightsBeta : null);
        json.Name("model_a");
        json.String(recipe.A.Sha256);
        json.Name("model_b");
        json.String(recipe.B?.Sha256);
        json.Name("model_c");
        json.String(recipe.C?.Sha256);
        json.Name("base_alpha");
        json.Number(weightsAlpha?.Values[0] ?? recipe.Alpha);
        json.Name("base_beta");
        json.Number(weightsBeta?.Values[0] ?? recipe.Beta);
        json.Name("mode");
        json.String(RecipeNames.ReferenceName(recipe.Mode));
        json.Name("mbw");
        json.Boolean(useBlocks);
        json.Name("elemental_merge");
        json.String(string.Empty);
        json.Name("calcmode");
        json.String(RecipeNames.Name(recipe.CalcMode));
        var (filterName, items) = recipe.Exclude.Count > 0 ? ("Exclude", recipe.Exclude)
            : recipe.Include.Count > 0 ? ("Include", recipe.Include)
            : ("Off", (IReadOnlyList<string>)[]);
        json.Name(filterName);
        json.BeginArray();
        foreach (var item in items)
        {
            json.String(item);
        }

        json.EndArray();
        json.EndObject();
        return json.ToString();
    }

    /// <summary>The <c>sd_merge_models</c> value for the inputs in order A, B, C, without their own metadata.</summary>
    public static string ModelsValue(IEnumerable<MergeModelInfo> models) => ModelsValue([.. models], inputMetadata: null);

    /// <summary>
    /// The <c>sd_merge_models</c> value as A1111's <c>run_modelmerger</c> builds it (<c>add_model_metadata</c>, since its
    /// recipe-history change): for A, then B, then C, the entry <c>{"name", "legacy_hash", "sd_merge_recipe"}</c>, where
    /// the recipe is the input's own <c>sd_merge_recipe</c> as A1111 reads metadata (a dict when it parses, else the
    /// string, null when absent), followed by a dict update with the input's own <c>sd_merge_models</c>: every model
    /// an input was merged from is listed too, so the whole lineage is in the file.
    /// </summary>
    /// <param name="models">The inputs A, B, C.</param>
    /// <param name="inputMetadata">Each input's <c>__metadata__</c>, in the same order; null when unknown.</param>
    internal static string ModelsValue(IReadOnlyList<MergeModelInfo> models, IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>>? inputMetadata)
    {
        ArgumentNullException.ThrowIfNull(models);

        // A Python dict: an assigned key keeps the position it first had and takes the new value.
        var order = new List<string>();
        var values = new Dictionary<string, Action<PythonJsonWriter>>(StringComparer.Ordinal);
        void Assign(string key, Action<PythonJsonWriter> value)
        {
            if (!values.ContainsKey(key))
            {
                order.Add(key);
            }

            values[key] = value;
        }

        for (int i = 0; i < models.Count; i++)
        {
            MergeModelInfo model = models[i];
            IReadOnlyList<KeyValuePair<string, string>> metadata = inputMetadata is not null && i < inputMetadata.Count ? inputMetadata[i] : [];
            string? recipe = Lookup(metadata, RecipeKey);
            Assign(model.Sha256, json =>
            {
                json.BeginObject();
                json.Name("name");
                json.String(model.Name);
                json.Name("legacy_hash");
                json.String(model.LegacyHash);
                json.Name(RecipeKey);
                if (PythonJsonValue.TryParseObject(recipe, out System.Text.Json.JsonElement parsed))
                {
                    PythonJsonValue.Write(json, parsed);
                }
                else
                {
                    json.String(recipe); // a string A1111 could not parse stays a string; absent is null
                }

                json.EndObject();
            });

            if (PythonJsonValue.TryParseObject(Lookup(metadata, ModelsKey), out System.Text.Json.JsonElement ancestors))
            {
                foreach (System.Text.Json.JsonProperty ancestor in ancestors.EnumerateObject())
                {
                    System.Text.Json.JsonElement value = ancestor.Value;
                    Assign(ancestor.Name, json => PythonJsonValue.Write(json, value));
                }
            }
        }

        var writer = new PythonJsonWriter();
        writer.BeginObject();
        foreach (string key in order)
        {
            writer.Name(key);
            values[key](writer);
        }

        writer.EndObject();
        return writer.ToString();
    }

    private static string? Lookup(IReadOnlyList<KeyValuePair<string, string>> metadata, string key)
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

    private static void WriteBlocks(PythonJsonWriter json, string name, BlockWeights? weights)
    {
        json.Name(name);
        if (weights is null)
        {
            json.Null();
            return;
        }

        // Supermerger records the list after splitting off BASE (which it reports as base_alpha/base_beta).
        json.BeginArray();
        foreach (var value in weights.Values.Skip(1))
        {
            json.Number(value);
        }

        json.EndArray();
    }
}
