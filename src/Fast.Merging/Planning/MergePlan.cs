using Fast.Merging.Architectures;
using Fast.Merging.Recipes;

namespace Fast.Merging.Planning;

/// <summary>Every output key, dtype, shape and operation of a merge, in A's key order.</summary>
public sealed record MergePlan(
    MergeRecipe Recipe,
    ArchitectureId Architecture,
    IReadOnlyList<PlannedTensor> Tensors,
    IReadOnlyList<KeyValuePair<string, string>> Metadata)
{
    /// <summary>Tensors merged by the mode.</summary>
    public int MergedCount => Tensors.Count(t => t.Action == TensorAction.Merge);

    /// <summary>Tensors copied from A.</summary>
    public int CopiedCount => Tensors.Count(t => t.Action == TensorAction.CopyA);
}
