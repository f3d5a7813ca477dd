using Fast.Merging.Recipes;

namespace Fast.Merging.Graphs;

/// <summary>
/// A recipe graph (docs/recipes.md): named input models, merges over inputs and earlier merges, and the name whose
/// result is written. The engine evaluates it tensor by tensor; intermediate results never reach the disk. Recorded as
/// JSON under <see cref="GraphRecipeJson.MetadataKey"/> in the output's metadata, from which it re-runs.
/// </summary>
public sealed record GraphRecipe
{
    /// <summary>The input models, in order (a merge may name one by its index here).</summary>
    public required IReadOnlyList<GraphInput> Inputs { get; init; }

    /// <summary>The merges (any order; they are evaluated in dependency order).</summary>
    public required IReadOnlyList<GraphMerge> Merges { get; init; }

    /// <summary>The name whose result is the output.</summary>
    public required string Output { get; init; }

    /// <summary>Output dtype of floating tensors.</summary>
    public OutputDType OutputDType { get; init; } = OutputDType.Keep;

    /// <inheritdoc />
    public bool Equals(GraphRecipe? other) =>
        other is not null && Inputs.SequenceEqual(other.Inputs) && Merges.SequenceEqual(other.Merges) && Output == other.Output && OutputDType == other.OutputDType;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Inputs.Count, Merges.Count, Output, OutputDType);
}
