namespace Fast.Merging.Doctor;

/// <summary>How many NaN and infinite elements a tensor (or part of one) holds.</summary>
/// <param name="NaN">NaN elements.</param>
/// <param name="Inf">+Inf and −Inf elements.</param>
public readonly record struct NonFiniteCount(long NaN, long Inf)
{
    /// <summary>The sum of two counts.</summary>
    public static NonFiniteCount operator +(NonFiniteCount a, NonFiniteCount b) => new(a.NaN + b.NaN, a.Inf + b.Inf);

    /// <summary>The sum of two counts (named form of <c>+</c>).</summary>
    public static NonFiniteCount Add(NonFiniteCount a, NonFiniteCount b) => a + b;

    /// <summary>True when there is at least one NaN or infinity.</summary>
    public bool Any => NaN != 0 || Inf != 0;
}
