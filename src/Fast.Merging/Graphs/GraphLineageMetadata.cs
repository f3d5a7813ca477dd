using System.Text.Json;
using Fast.Merging.Architectures;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Merging.Graphs;

/// <summary>
/// The lineage a recipe-graph output records, as a plain merge does (<see cref="Planning.LineageMetadata"/>), so the
/// A1111/Forge model info and ComfyUI show where it came from: <c>sd_merge_recipe</c> (<c>{"type": "fastmerge",
/// "recipe_graph": …}</c>, the graph as <c>fastmerge.graph</c> records it, since A1111's own members describe only
/// two- and three-model merges), <c>sd_merge_models</c> (every input the output depends on, in recipe order, followed
/// by the models those inputs were merged from) and the <c>modelspec.*</c> keys. The A1111 keys need the inputs'
/// hashes and are written only when they were computed.
/// </summary>
internal static class GraphLineageMetadata
{
    /// <summary>The entries for an output whose inputs (those the output depends on, in recipe order) are <paramref name="leaves"/>.</summary>
    /// <param name="recipe">The recipe, with the inputs' sha256 when hashed.</param>
    /// <param name="leaves">The inputs the output depends on.</param>
    /// <param name="files">The opened inputs by name.</param>
    /// <param name="architecture">The primary input's architecture.</param>
    /// <param name="hashes">Per input name, its hashes; null when the inputs were not hashed.</param>
    public static List<KeyValuePair<string, string>> For(
        GraphRecipe recipe, IReadOnlyList<string> leaves, IReadOnlyDictionary<string, SafeTensorsFile> files, ArchitectureId architecture, IReadOnlyDictionary<string, Hashing.ModelHashes>? hashes)
    {
        var entries = new List<KeyValuePair<string, string>>();
        if (hashes is not null)
        {
            var json = new PythonJsonWriter();
            json.BeginObject();
            json.Name("type");
            json.String(A1111MergeMetadata.ToolType);
            json.Name("recipe_graph");
            using (JsonDocument graph = JsonDocument.Parse(GraphRecipeJson.Serialize(recipe)))
            {
                PythonJsonValue.Write(json, graph.RootElement);
            }

            json.EndObject();
            entries.Add(new(A1111MergeMetadata.RecipeKey, json.ToString()));
            List<MergeModelInfo> models = [.. leaves.Select(name => new MergeModelInfo(Path.GetFileName(files[name].Path), hashes[name].Sha256, hashes[name].LegacyHash))];
            entries.Add(new(A1111MergeMetadata.ModelsKey, A1111MergeMetadata.ModelsValue(models, [.. leaves.Select(name => files[name].Metadata)])));
        }

        GraphMerge? output = recipe.Merges.FirstOrDefault(m => m.Name == recipe.Output);
        string title = string.Join("_x_", leaves.Select(name => Path.GetFileNameWithoutExtension(files[name].Path))) + (output is null ? string.Empty : "_" + output.Method);
        entries.AddRange(ModelSpecMetadata.For(architecture, title, [.. leaves.Select(name => (files[name].Path, files[name].Metadata))], ModelSpecMetadata.Today()));
        return entries;
    }
}
