using Fast.Merging.Architectures;
using Fast.Merging.Recipes;

namespace Fast.Merging.Planning;

/// <summary>Every output key, dtype, shape and operation of a merge, in A's key order, and the output's metadata.</summary>
public sealed record MergePlan(
    MergeRecipe Recipe,
    ArchitectureId Architecture,
    IReadOnlyList<PlannedTensor> Tensors,
    IReadOnlyList<KeyValuePair<string, string>> Metadata)
{
    /// <summary>Tensors merged by the mode and calcmode.</summary>
    public int MergedCount => Tensors.Count(t => t.Action == TensorAction.Merge);

    /// <summary>Tensors copied from A (converted to the output dtype where it differs).</summary>
    public int CopiedCount => Tensors.Count(t => t.Action == TensorAction.CopyA);

    /// <summary>Position-ids tensors reset to int64 <c>[[0..n−1]]</c>.</summary>
    public int PositionIdsResetCount => Tensors.Count(t => t.Action == TensorAction.ResetPositionIds);

    /// <summary>Position-ids tensors merged like weights (policy merge).</summary>
    public int PositionIdsMergedCount => Tensors.Count(t => t.Action == TensorAction.MergePositionIds);
}
