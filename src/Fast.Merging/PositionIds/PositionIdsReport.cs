namespace Fast.Merging.PositionIds;

/// <summary>The SPEC §7 check of one position-ids tensor.</summary>
/// <param name="DType">The stored dtype name (should be <c>I64</c>).</param>
/// <param name="Shape">The stored shape (should be <c>[1, n]</c>).</param>
/// <param name="AllExactIntegers">True when every value is an exact integer.</param>
/// <param name="CorruptIndexes">Indexes i where trunc(value_i) ≠ i: the token read at the wrong position.</param>
/// <param name="MissingTokens">Positions 0..n-1 that no truncated value equals: tokens the text encoder never sees.</param>
/// <param name="DriftingIndexes">Indexes whose value is not an integer but still truncates to i: harmless now, broken by the next merge.</param>
public sealed record PositionIdsReport(
    string DType,
    IReadOnlyList<long> Shape,
    bool AllExactIntegers,
    IReadOnlyList<int> CorruptIndexes,
    IReadOnlyList<int> MissingTokens,
    IReadOnlyList<int> DriftingIndexes)
{
    /// <summary>True when the dtype is <c>I64</c>.</summary>
    public bool IsInt64 => DType == PositionIdsReset.DType;

    /// <summary>True when the shape is <c>[1, n]</c>.</summary>
    public bool HasExpectedShape => Shape.Count == 2 && Shape[0] == 1;

    /// <summary>True for an int64 <c>[1, n]</c> tensor holding exactly 0..n-1.</summary>
    public bool IsClean => IsInt64 && HasExpectedShape && AllExactIntegers && CorruptIndexes.Count == 0 && MissingTokens.Count == 0;
}
