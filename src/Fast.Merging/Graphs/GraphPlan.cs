using Fast.Merging.Architectures;

namespace Fast.Merging.Graphs;

/// <summary>Every output tensor of a recipe graph in the primary input's key order, the evaluation order and the metadata.</summary>
/// <param name="Recipe">The validated recipe.</param>
/// <param name="Order">The merges the output needs, each after its operands.</param>
/// <param name="Primary">The input whose keys, order and dtypes the output follows.</param>
/// <param name="Architecture">The primary input's architecture (its block layout weighs the lists).</param>
/// <param name="Tensors">The output tensors.</param>
/// <param name="Metadata">The output's metadata.</param>
public sealed record GraphPlan(
    GraphRecipe Recipe,
    IReadOnlyList<GraphMerge> Order,
    string Primary,
    ArchitectureId Architecture,
    IReadOnlyList<GraphTensor> Tensors,
    IReadOnlyList<KeyValuePair<string, string>> Metadata)
{
    /// <summary>Tensors evaluated through the merges.</summary>
    public int MergedCount => Tensors.Count(t => t.Action == GraphTensorAction.Merge);

    /// <summary>Tensors copied from the primary input.</summary>
    public int CopiedCount => Tensors.Count(t => t.Action == GraphTensorAction.CopyPrimary);
}
