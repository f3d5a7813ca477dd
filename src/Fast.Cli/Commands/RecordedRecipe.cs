using Fast.Merging.Graphs;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Cli.Commands;

/// <summary>The two/three-model recipe a merged file records (<see cref="RecipeJson.MetadataKey"/>), for <c>merge --from-metadata</c>.</summary>
internal static class RecordedRecipe
{
    /// <summary>
    /// The recorded recipe of <paramref name="mergedFile"/>, or null when the file records a recipe graph instead
    /// (<see cref="GraphRecipeJson.MetadataKey"/>, re-run by the graph engine) or no recipe at all (the graph path then
    /// says so, naming the file).
    /// </summary>
    public static MergeRecipe? Read(string mergedFile)
    {
        string? recipe = null;
        using (SafeTensorsFile file = SafeTensorsFile.Open(mergedFile, ReadMode.Buffered))
        {
            foreach (KeyValuePair<string, string> entry in file.Metadata)
            {
                if (entry.Key == GraphRecipeJson.MetadataKey)
                {
                    return null;
                }

                if (entry.Key == RecipeJson.MetadataKey)
                {
                    recipe = entry.Value;
                }
            }
        }

        if (recipe is null)
        {
            return null;
        }

        try
        {
            return RecipeJson.Deserialize(recipe);
        }
        catch (InvalidRecipeException e)
        {
            throw new Fast.Cli.CommandLine.UsageException($"{mergedFile}: its {RecipeJson.MetadataKey} cannot be re-run: {e.Message}");
        }
    }
}
