namespace Fast.Merging.Methods;

/// <summary>
/// How a calcmode's merge of one tensor splits into independent element ranges, which the engines cut into chunks
/// and run side by side (<see cref="Execution.TensorOperations"/>). Declared by each <see cref="CalcModeEntry"/>, so
/// a new calcmode says here whether it chunks, and the engine never special-cases calcmode names.
/// </summary>
internal enum ElementRangeWork
{
    /// <summary>Needs the whole tensor at once (neighbourhoods, reductions, slice bands): one work item per tensor.</summary>
    None,

    /// <summary>The merge mode's own operator over the same ranges of A, B and C (calcmode normal).</summary>
    ModeOperator,

    /// <summary>A's range times α in A's dtype, only A read (self).</summary>
    ScaleA,

    /// <summary>
    /// A's range plus α times the same range of the key's <c>randn_like(A)</c>, each range drawing from a stored
    /// generator state (plus random).
    /// </summary>
    AddNoiseToA,

    /// <summary>A lerp with a factor per column that the cosine first pass computed for the whole tensor (cosineA, cosineB).</summary>
    CosineLerp,
}
