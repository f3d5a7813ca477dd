namespace Fast.Merging.Methods;

/// <summary>
/// One piece of a task-arithmetic merge as a device runs it: per model δᵢ = Mᵢ − base; the trim (ties) keeps, per
/// element, a magnitude pattern above <see cref="MagnitudeCut.Threshold"/> or equal to it before
/// <see cref="MagnitudeCut.KeptEqualEnd"/>; the drop (dare) keeps an element by its Philox word and divides it by the
/// density; then wᵢ·δᵢ; the mixed difference is the elected-sign mean (<see cref="Consensus"/>) or the sum in order,
/// divided with <see cref="Normalize"/> (the elected weights' sum with consensus, else <see cref="SumDivisor"/>); the
/// result is <c>base + λ·mixed</c>.
/// </summary>
/// <param name="Weights">One f32 weight per model.</param>
/// <param name="Trims">Per model, its trim, or null for none.</param>
/// <param name="Drop">DARE's drop, or null for none.</param>
/// <param name="Consensus">Elect a sign and take the disjoint mean (ties, dare_ties).</param>
/// <param name="Normalize">Divide by the (elected) weights' sum.</param>
/// <param name="SumDivisor">Without consensus, what normalisation divides the sum by (the weights' f32 sum in order; 1 when |Σ| &lt; 1e-8).</param>
/// <param name="Lambda">λ as f32.</param>
public sealed record TaskArithmeticStep(IReadOnlyList<float> Weights, IReadOnlyList<MagnitudeCut>? Trims, DareDrop? Drop, bool Consensus, bool Normalize, float SumDivisor, float Lambda);

/// <summary>A trim found on the CPU (<see cref="Fast.Kernels.Methods.MagnitudeTrim.KeptEqualEnd"/>).</summary>
/// <param name="Threshold">The k-th largest magnitude pattern (<see cref="uint.MaxValue"/>: keep nothing).</param>
/// <param name="KeptEqualEnd">Elements equal to the threshold are kept at indices below this one.</param>
public readonly record struct MagnitudeCut(uint Threshold, int KeptEqualEnd);

/// <summary>DARE's drop of one piece (<see cref="Fast.Kernels.Methods.DareMask"/>); model m is operand m.</summary>
/// <param name="Start">Index in the tensor of the piece's first element.</param>
/// <param name="Seed">The recipe's seed.</param>
/// <param name="NameHash">The tensor's name hash.</param>
/// <param name="Density">The kept fraction, in (0, 1).</param>
public sealed record DareDrop(long Start, uint Seed, uint NameHash, double Density);
