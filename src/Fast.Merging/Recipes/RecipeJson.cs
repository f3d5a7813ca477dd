using System.Text.Json;

namespace Fast.Merging.Recipes;

/// <summary>
/// The stable JSON form of a recipe (the value of <c>fastmerge.recipe</c>): snake_case names in declaration order,
/// enums by their CLI names (<c>"ws"</c>, <c>"trainDifference"</c>, <c>"fp8_e4m3"</c>), null members left out,
/// no whitespace. Unknown members are rejected so a typo in a hand-written recipe is not silently ignored.
/// </summary>
public static class RecipeJson
{
    /// <summary>The output metadata key that holds the recipe (what a re-run and <c>bulk --resume</c> read back).</summary>
    public const string MetadataKey = "fastmerge.recipe";

    /// <summary>Writes the recipe.</summary>
    public static string Serialize(MergeRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        return JsonSerializer.Serialize(RecipeDocument.From(recipe), RecipeJsonContext.Default.RecipeDocument);
    }

    /// <summary>Reads a recipe.</summary>
    /// <exception cref="InvalidRecipeException">Not valid recipe JSON (kind <see cref="RecipeErrorKind.MalformedJson"/>).</exception>
    public static MergeRecipe Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            var document = JsonSerializer.Deserialize(json, RecipeJsonContext.Default.RecipeDocument)
                ?? throw Malformed("the recipe is null");
            return document.ToRecipe();
        }
        catch (JsonException ex)
        {
            // An unknown member is named with the closest known one rather than in the serializer's words.
            throw RecipeMembers.FirstUnknown(json) is { } unknown
                ? new InvalidRecipeException([new RecipeError(RecipeErrorKind.MalformedJson, unknown)])
                : Malformed(ex.Message);
        }
    }

    private static InvalidRecipeException Malformed(string detail) =>
        new([new RecipeError(RecipeErrorKind.MalformedJson, $"The recipe JSON cannot be read: {detail}")]);
}
