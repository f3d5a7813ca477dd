using System.Text.Json;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Native;

/// <summary>
/// The argument of <c>fm_merge_json</c>: a recipe in the CLI's <see cref="RecipeJson"/> form plus what a recipe
/// deliberately leaves out (where the output goes and how the run is executed). Unknown members are rejected so
/// a misspelt option is reported rather than ignored.
/// <code>{"recipe": {...}, "output": "out.safetensors", "overwrite": false, "threads": 0, "no_mmap": false}</code>
/// </summary>
internal sealed record MergeRequest(MergeRecipe Recipe, string Output, bool Overwrite, int Threads, ReadMode ReadMode)
{
    private const int MaxThreads = 1024;

    public static MergeRequest Parse(string json)
    {
        using JsonDocument document = JsonRequest.Parse(json, "merge request");
        JsonElement root = document.RootElement;
        JsonRequest.EnsureOnly(root, "merge request", "recipe", "output", "overwrite", "threads", "no_mmap");

        if (!root.TryGetProperty("recipe", out JsonElement recipeElement) || recipeElement.ValueKind != JsonValueKind.Object)
        {
            throw new NativeInputException("merge request: \"recipe\" must be an object in the CLI recipe format ({\"a\": {\"path\": ...}, \"b\": {\"path\": ...}, \"mode\": \"ws\", ...})");
        }

        MergeRecipe recipe = RecipeJson.Deserialize(recipeElement.GetRawText());
        if (string.IsNullOrEmpty(recipe.A.Path) || recipe.B is null || string.IsNullOrEmpty(recipe.B.Path))
        {
            throw new NativeInputException("merge request: the recipe needs models \"a\" and \"b\" with a \"path\" each");
        }

        string output = JsonRequest.RequiredString(root, "output", "merge request");
        bool overwrite = JsonRequest.OptionalBool(root, "overwrite", "merge request") ?? false;
        int threads = JsonRequest.OptionalInt(root, "threads", "merge request", 0, MaxThreads) ?? 0;
        bool noMmap = JsonRequest.OptionalBool(root, "no_mmap", "merge request") ?? false;
        return new MergeRequest(recipe, output, overwrite, threads == 0 ? Environment.ProcessorCount : threads, noMmap ? ReadMode.Buffered : ReadMode.Mapped);
    }
}
