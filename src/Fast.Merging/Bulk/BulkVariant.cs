using Fast.Merging.Recipes;

namespace Fast.Merging.Bulk;

/// <summary>One output of a bulk run: a recipe and where its file goes.</summary>
/// <param name="Index">The variant's 0-based position in the whole plan (before sharding); reports and shards use it.</param>
/// <param name="Recipe">What to merge, exactly as <c>fastmerge merge</c> would.</param>
/// <param name="OutputPath">The output file (the files sink writes it; the hash sink reports the sha256 it would have).</param>
/// <param name="Line">The PLAN line it came from, when it came from a file.</param>
public sealed record BulkVariant(int Index, MergeRecipe Recipe, string OutputPath, int? Line = null)
{
    /// <summary>How reports name the variant: its index, and its PLAN line when known.</summary>
    public string Label => Line is { } line ? $"variant {Index} (line {line})" : $"variant {Index}";
}
