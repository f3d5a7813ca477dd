namespace Fast.Kernels;

/// <summary>
/// The double-precision sums that describe how two tensors differ: Σa·b, Σa², Σb², Σ(a−b)², max |a−b| and the element
/// count. Combined with <see cref="Then"/> in a fixed order, so a total does not depend on how the work was split.
/// </summary>
/// <param name="Dot">Σ a·b.</param>
/// <param name="SquaresA">Σ a².</param>
/// <param name="SquaresB">Σ b².</param>
/// <param name="SquaredDifference">Σ (a−b)², each difference taken in double.</param>
/// <param name="MaxAbsDifference">max |a−b|; NaN when a difference is NaN (then <see cref="SquaredDifference"/> is NaN too).</param>
/// <param name="Count">Elements summed.</param>
public readonly record struct DifferenceSums(double Dot, double SquaresA, double SquaresB, double SquaredDifference, double MaxAbsDifference, long Count)
{
    /// <summary>‖a − b‖₂.</summary>
    public double L2Difference => Math.Sqrt(SquaredDifference);

    /// <summary>‖a − b‖₂ / ‖a‖₂: the difference relative to the first tensor's size (0 when both are zero, ∞ when only a is).</summary>
    public double RelativeL2Difference => SquaresA > 0 ? Math.Sqrt(SquaredDifference / SquaresA) : SquaredDifference > 0 ? double.PositiveInfinity : 0;

    /// <summary>torch's cosine similarity of the flattened tensors (<see cref="Reductions.CosineFromSums"/>, eps = 1e-8).</summary>
    public double Cosine => Reductions.CosineFromSums(Dot, SquaresA, SquaresB);

    /// <summary>These sums followed by <paramref name="next"/>'s: each sum added left to right, the maxima combined.</summary>
    public DifferenceSums Then(DifferenceSums next) => new(
        Dot + next.Dot,
        SquaresA + next.SquaresA,
        SquaresB + next.SquaresB,
        SquaredDifference + next.SquaredDifference,
        MaxOf(MaxAbsDifference, next.MaxAbsDifference),
        Count + next.Count);

    /// <summary>The blocks' sums added in order from zero, as <see cref="Reductions.Dot"/> adds its block sums.</summary>
    public static DifferenceSums Total(ReadOnlySpan<DifferenceSums> blocks)
    {
        var total = default(DifferenceSums);
        foreach (DifferenceSums block in blocks)
        {
            total = total.Then(block);
        }

        return total;
    }

    /// <summary>The larger magnitude; NaN wins, so a NaN difference is never hidden by a later finite one.</summary>
    internal static double MaxOf(double x, double y) => double.IsNaN(x) || double.IsNaN(y) ? double.NaN : Math.Max(x, y);
}
