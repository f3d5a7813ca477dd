using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Merging.Bulk;

/// <summary>Whether an existing output is already the variant's result: its metadata records exactly the same recipe.</summary>
internal static class ResumeCheck
{
    /// <summary>True when <paramref name="outputPath"/> is a readable safetensors file whose <c>fastmerge.recipe</c> equals <paramref name="recorded"/>.</summary>
    public static bool IsComplete(string outputPath, MergeRecipe recorded)
    {
        try
        {
            using SafeTensorsFile existing = SafeTensorsFile.Open(outputPath, ReadMode.Buffered);
            string expected = RecipeJson.Serialize(recorded);
            return existing.Metadata.Any(p => p.Key == RecipeJson.MetadataKey && p.Value == expected);
        }
        catch (Exception e) when (e is SafeTensorsFormatException or IOException or UnauthorizedAccessException)
        {
            return false; // not a finished output (a foreign or damaged file): it is not skipped
        }
    }
}
