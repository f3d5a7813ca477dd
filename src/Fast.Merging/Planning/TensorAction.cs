namespace Fast.Merging.Planning;

/// <summary>What the engine does for one output tensor.</summary>
public enum TensorAction
{
    /// <summary>A's tensor, converted to the output dtype when that differs.</summary>
    CopyA,

    /// <summary>int64 <c>[[0..n−1]]</c> (SPEC §7 policy reset).</summary>
    ResetPositionIds,

    /// <summary>Merged by the recipe's mode and calcmode with this key's α and β.</summary>
    Merge,

    /// <summary>
    /// SPEC §7 policy merge: every input's position ids converted to f32, merged by the mode's normal formula
    /// (whatever the calcmode) and stored in A's dtype (int64 by truncation toward zero).
    /// </summary>
    MergePositionIds,
}
