namespace Fast.Merging.Planning;

/// <summary>What the engine does for one output tensor.</summary>
public enum TensorAction
{
    /// <summary>A's tensor, converted to the output dtype when that differs.</summary>
    CopyA,

    /// <summary>int64 <c>[[0..n−1]]</c> (SPEC §7 policy reset).</summary>
    ResetPositionIds,

    /// <summary>Element-wise merge by the recipe's mode with this key's α and β.</summary>
    Merge,
}
