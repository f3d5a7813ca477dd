namespace Fast.Merging.Recipes;

/// <summary>One input model of a recipe.</summary>
/// <param name="Path">The file path as given.</param>
/// <param name="Sha256">The full lowercase hex sha256 of the file, when known.</param>
public sealed record MergeInput(string Path, string? Sha256 = null);
