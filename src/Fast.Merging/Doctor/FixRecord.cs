using System.Text.Json;
using System.Text.Json.Nodes;
using Fast.Merging.Recipes;

namespace Fast.Merging.Doctor;

/// <summary>
/// What <c>fix</c> did, written into the copy's metadata, so the copied merge recipe does not describe a file the fix
/// changed: <c>fastmerge.fix</c> holds the fix's options, and a <c>--dtype</c> other than keep also becomes the
/// <c>dtype</c> of a copied <c>fastmerge.recipe</c> (re-running that recipe gives the dtype the file now has).
/// </summary>
internal static class FixRecord
{
    public const string Key = "fastmerge.fix";

    private const string RecipeKey = "fastmerge.recipe";

    public static List<KeyValuePair<string, string>> Apply(List<KeyValuePair<string, string>> metadata, FixOptions options)
    {
        var fix = new JsonObject
        {
            ["position_ids"] = options.PositionIds == PositionIdsPolicy.Keep ? "keep" : "reset",
            ["dtype"] = OutputDTypes.Name(options.DType),
            ["prune"] = options.Prune,
            ["rename_nai"] = options.RenameNai,
            ["nan_to_num"] = options.NanToNum,
        };
        if (options.VaePath is not null)
        {
            fix["vae"] = Path.GetFileName(options.VaePath);
        }

        if (options.ClipPath is not null)
        {
            fix["clip"] = Path.GetFileName(options.ClipPath);
        }

        var result = new List<KeyValuePair<string, string>>(metadata.Count + 1);
        foreach (KeyValuePair<string, string> entry in metadata)
        {
            if (entry.Key == Key)
            {
                continue; // an earlier fix's record: this one replaces it
            }

            result.Add(entry.Key == RecipeKey && options.DType != OutputDType.Keep ? new(entry.Key, WithDType(entry.Value, options.DType)) : entry);
        }

        result.Add(new(Key, fix.ToJsonString()));
        return result;
    }

    private static string WithDType(string recipeJson, OutputDType dtype)
    {
        try
        {
            if (JsonNode.Parse(recipeJson) is JsonObject recipe)
            {
                recipe["dtype"] = OutputDTypes.Name(dtype);
                return recipe.ToJsonString();
            }
        }
        catch (JsonException)
        {
            // Not a recipe this version reads: copied as it was; fastmerge.fix still says what changed.
        }

        return recipeJson;
    }
}
