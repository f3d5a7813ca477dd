using System.Text.Json;

namespace Fast.Merging.Recipes;

/// <summary>
/// The member names a recipe JSON accepts, from the serializer's own metadata (so the list cannot drift from
/// <see cref="RecipeDocument"/>), and the check that names an unknown one with the closest known name: the serializer's
/// own message ("could not be mapped to any .NET member contained in type …RecipeDocument") means nothing to a Python
/// or C caller who typed <c>alhpa=0.3</c>.
/// </summary>
public static class RecipeMembers
{
    private static readonly string[] s_recipe = [.. RecipeJsonContext.Default.RecipeDocument.Properties.Select(p => p.Name)];
    private static readonly string[] s_input = [.. RecipeJsonContext.Default.InputDocument.Properties.Select(p => p.Name)];

    /// <summary>Every top-level member of a recipe, in the order the recipe JSON writes them.</summary>
    public static IReadOnlyList<string> Names => s_recipe;

    /// <summary>The members of a model entry (<c>a</c>, <c>b</c>, <c>c</c>).</summary>
    public static IReadOnlyList<string> InputNames => s_input;

    /// <summary>
    /// "unknown parameter 'alhpa' (did you mean 'alpha'?)" for the first member of <paramref name="json"/> no recipe
    /// has (a model entry's as <c>a.pth</c>); null when every member is known or the text is not a JSON object (the
    /// serializer then reports that).
    /// </summary>
    public static string? FirstUnknown(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            foreach (JsonProperty member in document.RootElement.EnumerateObject())
            {
                if (!s_recipe.Contains(member.Name, StringComparer.Ordinal))
                {
                    return Unknown(member.Name, s_recipe);
                }

                if (member.Name is "a" or "b" or "c" && member.Value.ValueKind == JsonValueKind.Object)
                {
                    foreach (JsonProperty inner in member.Value.EnumerateObject())
                    {
                        if (!s_input.Contains(inner.Name, StringComparer.Ordinal))
                        {
                            string? meant = NameSuggestion.Closest(inner.Name, s_input);
                            return $"unknown parameter '{member.Name}.{inner.Name}'{(meant is null ? string.Empty : $" (did you mean '{member.Name}.{meant}'?)")}";
                        }
                    }
                }
            }
        }

        return null;
    }

    private static string Unknown(string name, IEnumerable<string> known) => $"unknown parameter '{name}'{NameSuggestion.Hint(name, known)}";
}
