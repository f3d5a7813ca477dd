using Fast.Kernels;

namespace Fast.Merging.Methods;

/// <summary>
/// A device that runs the elementwise part of the N-model merge methods on f32 host buffers (upload, compute,
/// download), bit-identical to <see cref="Fast.Kernels.Methods.MethodKernels"/> and
/// <see cref="Fast.Kernels.Methods.DareMask"/>: every operation in the CPU's order, nothing fused. The per-tensor
/// scalars (the trim threshold, slerp's factors, model stock's ratio) stay on the CPU and come in as arguments, so
/// they are the CPU's bits too. Offered by an <see cref="IMergeAccelerator"/> through
/// <see cref="IMergeAccelerator.Methods"/>. Implementations must be safe to call from several threads.
/// </summary>
public interface IMethodAccelerator
{
    /// <summary><c>r = w₀·M₀; r = r + wᵢ·Mᵢ</c> for i = 1..N−1, each product and sum rounded to f32.</summary>
    /// <param name="models">The models' values (at least <paramref name="count"/> each).</param>
    /// <param name="count">Elements.</param>
    /// <param name="weights">One f32 weight per model.</param>
    /// <param name="destination">The result.</param>
    void WeightedSum(IReadOnlyList<float[]> models, int count, ReadOnlySpan<float> weights, Span<float> destination);

    /// <summary><c>r = A; r = r + wᵢ·round_to(typeᵢ, Mᵢ − C)</c> for each term in order.</summary>
    /// <param name="first">A.</param>
    /// <param name="baseValues">C, subtracted from every term.</param>
    /// <param name="terms">M₁ … Mₙ (at least <paramref name="first"/>'s length each).</param>
    /// <param name="termTypes">Each term's stored element type, which its difference is rounded through.</param>
    /// <param name="weights">One f32 weight per term.</param>
    /// <param name="destination">The result.</param>
    void AddDifferenceChain(ReadOnlySpan<float> first, ReadOnlySpan<float> baseValues, IReadOnlyList<float[]> terms, IReadOnlyList<ElementType> termTypes, ReadOnlySpan<float> weights, Span<float> destination);

    /// <summary>The task-arithmetic family (ties, dare, dare_ties) over one piece: see <see cref="TaskArithmeticStep"/>.</summary>
    /// <param name="baseValues">The base.</param>
    /// <param name="models">The models' values (at least the base's length each).</param>
    /// <param name="plan">Trims, drop, weights, consensus, normalisation and λ.</param>
    /// <param name="destination">The result.</param>
    void TaskArithmetic(ReadOnlySpan<float> baseValues, IReadOnlyList<float[]> models, TaskArithmeticStep plan, Span<float> destination);

    /// <summary>slerp's <c>f32(s0·a + s1·b)</c> in double.</summary>
    /// <param name="a">First model.</param>
    /// <param name="s0">Its factor.</param>
    /// <param name="b">Second model.</param>
    /// <param name="s1">Its factor.</param>
    /// <param name="destination">The result.</param>
    void Combine(ReadOnlySpan<float> a, double s0, ReadOnlySpan<float> b, double s1, Span<float> destination);

    /// <summary>model stock's <c>f32(t·(Σ Mᵢ / N) + (1 − t)·base)</c> in double.</summary>
    /// <param name="models">The fine-tunes' values (at least the base's length each).</param>
    /// <param name="baseValues">The base.</param>
    /// <param name="t">The ratio, from the CPU's Gram matrix.</param>
    /// <param name="destination">The result.</param>
    void ModelStock(IReadOnlyList<float[]> models, ReadOnlySpan<float> baseValues, double t, Span<float> destination);
}
