namespace Fast.Merging.Blocks;

/// <summary>A full list of <paramref name="From"/> (BASE included) that a layout accepts, and how it becomes one of its own.</summary>
/// <param name="From">The layout the list was written for.</param>
/// <param name="Convert">Maps the full source list to the target's full list.</param>
public sealed record BlockListConversion(BlockLayout From, Func<double[], double[]> Convert);
