using Fast.Merging.Architectures;
using Fast.Merging.Blocks;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Merging.Planning;

/// <summary>
/// What an output records about where it came from, on top of the recipe (issue 17): <c>sd_merge_models</c> with the
/// inputs' own recipes and ancestors (A1111's lineage, <see cref="A1111MergeMetadata.ModelsValue(IReadOnlyList{MergeModelInfo}, IReadOnlyList{IReadOnlyList{KeyValuePair{string, string}}}?)"/>),
/// the <c>modelspec.*</c> keys (<see cref="ModelSpecMetadata"/>), and the user's own entries (<c>merge --meta key=value</c>),
/// which come last and replace a <c>modelspec.*</c> entry of the same key.
/// </summary>
internal static class LineageMetadata
{
    /// <summary>Keys fastmerge writes and a user entry may not replace: they are what tools read the merge from.</summary>
    public static readonly IReadOnlySet<string> ReservedKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "format", "fastmerge.version", RecipeJson.MetadataKey, A1111MergeMetadata.RecipeKey, A1111MergeMetadata.ModelsKey, RandomBlockWeights.MetadataKey,
    };

    /// <summary>Adds the lineage entries to a plan's <paramref name="metadata"/> (already holding the recipe entries).</summary>
    /// <exception cref="MergePlanException">A user entry names a reserved key, or a key twice.</exception>
    public static void AddTo(
        List<KeyValuePair<string, string>> metadata, MergeRecipe recipe, ArchitectureId architecture, SafeTensorsFile a, SafeTensorsFile b, SafeTensorsFile? c, IReadOnlyList<MergeModelInfo>? models)
    {
        SafeTensorsFile[] inputs = c is null ? [a, b] : [a, b, c];
        if (models is not null)
        {
            int at = metadata.FindIndex(m => m.Key == A1111MergeMetadata.ModelsKey);
            metadata[at] = new(A1111MergeMetadata.ModelsKey, A1111MergeMetadata.ModelsValue(models, [.. inputs.Select(i => i.Metadata)]));
        }

        metadata.AddRange(ModelSpecMetadata.For(architecture, RecipeFileName.Stem(recipe), [.. inputs.Select(i => (i.Path, i.Metadata))], ModelSpecMetadata.Today()));
        var given = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string key, string value) in recipe.UserMetadata)
        {
            if (ReservedKeys.Contains(key) || !given.Add(key))
            {
                throw new MergePlanException(ReservedKeys.Contains(key)
                    ? $"metadata key '{key}' is written by fastmerge and cannot be set"
                    : $"metadata key '{key}' is given twice");
            }

            int existing = metadata.FindIndex(m => m.Key == key);
            if (existing >= 0)
            {
                metadata[existing] = new(key, value);
            }
            else
            {
                metadata.Add(new(key, value));
            }
        }
    }
}
