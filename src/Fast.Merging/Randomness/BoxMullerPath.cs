namespace Fast.Merging.Randomness;

/// <summary>How <see cref="BoxMullerTransform"/> looks its table entries up (tests and the micro bench pick each; all give the same bits).</summary>
internal enum BoxMullerPath
{
    /// <summary>Pair by pair, no vectors: the reference the vector paths are tested against.</summary>
    Scalar,

    /// <summary>AVX2 gathers, 8 pairs in the lanes of 256-bit vectors.</summary>
    Gather256,

    /// <summary>
    /// AVX-512 (which .NET gives no gathers for): the entries fetched by plain loads into a small staging area, then a
    /// block's 16 results made and rounded in one 512-bit vector.
    /// </summary>
    Staged512,
}
