using Fast.Kernels;

namespace Fast.Merging.Methods;

/// <summary>
/// A device that runs merge operations on host buffers (upload, compute, download), bit-identical to the SIMD
/// kernels of <c>Fast.Kernels</c>. This assembly has no implementation of its own: ILGPU cannot run under NativeAOT,
/// so the GPU backend is its own assembly (<c>Fast.Merging.Gpu</c>, built on <c>Fast.Kernels.Gpu</c>; the
/// <c>fastmerge</c> CLI uses it) and is passed in through <c>MergeOptions.Accelerator</c>. With the catalog's device
/// seam (<see cref="IElementwiseDevice"/>) it is how the methods run on a device, so it sits with them, below the
/// engine and the API.
/// Implementations must be safe to call from several threads (they may serialise the calls).
/// </summary>
public interface IMergeAccelerator : IDisposable
{
    /// <summary>A human-readable name of the device, for summaries and logs.</summary>
    string Name { get; }

    /// <summary>
    /// The N-model methods' elementwise kernels on this device (weighted_sum of N, add_difference chains, ties, dare,
    /// dare_ties, slerp, model_stock), or null when the device does not run them: a recipe graph on device gpu is then
    /// refused rather than run on the CPU.
    /// </summary>
    IMethodAccelerator? Methods => null;

    /// <summary>
    /// The calcmode <c>normal</c> formula of <paramref name="mode"/> (SPEC §3) on stored elements. α and β are the
    /// decimal values; the implementation rounds them to f32 where SPEC §3 does (all modes but triple sum).
    /// <paramref name="c"/> is empty for two-model modes.
    /// </summary>
    /// <param name="mode">The merge mode.</param>
    /// <param name="a">A's stored elements.</param>
    /// <param name="typeA">A's element type.</param>
    /// <param name="b">B's stored elements.</param>
    /// <param name="typeB">B's element type.</param>
    /// <param name="c">C's stored elements (add difference, triple sum, sum twice), else empty.</param>
    /// <param name="typeC">C's element type.</param>
    /// <param name="alpha">α (for scaled sum, A's factor).</param>
    /// <param name="beta">β (for scaled sum, B's factor).</param>
    /// <param name="destination">Output elements, not overlapping the inputs.</param>
    /// <param name="destinationType">Output element type.</param>
    void Merge(
        MergeMode mode,
        ReadOnlySpan<byte> a, ElementType typeA,
        ReadOnlySpan<byte> b, ElementType typeB,
        ReadOnlySpan<byte> c, ElementType typeC,
        double alpha, double beta,
        Span<byte> destination, ElementType destinationType);

    /// <summary>trainDifference (SPEC §4) of a whole tensor, including the "B equals C everywhere: keep A" rule.</summary>
    /// <param name="a">A's stored elements.</param>
    /// <param name="typeA">A's element type.</param>
    /// <param name="b">B's stored elements.</param>
    /// <param name="typeB">B's element type.</param>
    /// <param name="c">C's stored elements.</param>
    /// <param name="typeC">C's element type.</param>
    /// <param name="alpha">α; α·1.8 is computed in double.</param>
    /// <param name="destination">Output elements, not overlapping the inputs.</param>
    /// <param name="destinationType">Output element type.</param>
    void TrainDifference(
        ReadOnlySpan<byte> a, ElementType typeA,
        ReadOnlySpan<byte> b, ElementType typeB,
        ReadOnlySpan<byte> c, ElementType typeC,
        double alpha,
        Span<byte> destination, ElementType destinationType);

    /// <summary>
    /// smoothAdd (SPEC §4) of a whole tensor: <c>D = round_to(typeB, B − C)</c>, <c>F = gaussian(median(D))</c>,
    /// result <c>A + (α·F)</c>. Called only for ranks 1–4.
    /// </summary>
    /// <param name="a">A's stored elements.</param>
    /// <param name="typeA">A's element type.</param>
    /// <param name="b">B's stored elements.</param>
    /// <param name="typeB">B's element type.</param>
    /// <param name="c">C's stored elements.</param>
    /// <param name="typeC">C's element type.</param>
    /// <param name="alpha">α as f32.</param>
    /// <param name="shape">The tensors' common shape.</param>
    /// <param name="destination">Output elements, not overlapping the inputs.</param>
    /// <param name="destinationType">Output element type.</param>
    void SmoothAdd(
        ReadOnlySpan<byte> a, ElementType typeA,
        ReadOnlySpan<byte> b, ElementType typeB,
        ReadOnlySpan<byte> c, ElementType typeC,
        float alpha, ReadOnlySpan<int> shape,
        Span<byte> destination, ElementType destinationType);

    /// <summary>
    /// The cosine calcmodes' measurement of one key (SPEC §4, the reference's <c>precosine</c>/<c>cosine</c>): A and the
    /// other input (B, or in add difference <c>round_to(typeB, B − C)</c>) as f32, viewed as [rows,
    /// <c>similarity.Length</c>]. Per column the similarity of torch 1.13's <c>cosine_similarity</c> over dim 0, and the
    /// whole-tensor magnitude <c>f32(Σab) / (f32(√Σa²)·f32(√Σb²))</c>; column sums accumulate in double over the rows in
    /// order, whole-tensor sums in the layout of <see cref="Reductions.Dot"/>. Called only for non-empty tensors.
    /// </summary>
    /// <param name="normalizeFirst">cosineA: both tensors are first normalised per column (torch's <c>normalize(p=2, dim=0)</c>).</param>
    /// <param name="a">A's stored elements.</param>
    /// <param name="typeA">A's element type.</param>
    /// <param name="b">B's stored elements.</param>
    /// <param name="typeB">B's element type.</param>
    /// <param name="c">C's stored elements in add difference, else empty.</param>
    /// <param name="typeC">C's element type (ignored when <paramref name="c"/> is empty).</param>
    /// <param name="similarity">Receives one similarity per column.</param>
    /// <returns>The magnitude.</returns>
    float CosineSimilarity(
        bool normalizeFirst,
        ReadOnlySpan<byte> a, ElementType typeA,
        ReadOnlySpan<byte> b, ElementType typeB,
        ReadOnlySpan<byte> c, ElementType typeC,
        Span<float> similarity);

    /// <summary>
    /// The cosine calcmodes' merge of one key: <c>lerp(other, A, k)</c> with k per column (<c>weights[i mod
    /// weights.Length]</c>), other as in <see cref="CosineSimilarity"/>, in torch's fma form (<c>fma(k, d, other)</c>
    /// for |k| &lt; 0.5, else <c>fma(−d, 1 − k, A)</c>). Called only for non-empty tensors.
    /// </summary>
    /// <param name="a">A's stored elements.</param>
    /// <param name="typeA">A's element type.</param>
    /// <param name="b">B's stored elements.</param>
    /// <param name="typeB">B's element type.</param>
    /// <param name="c">C's stored elements in add difference, else empty.</param>
    /// <param name="typeC">C's element type (ignored when <paramref name="c"/> is empty).</param>
    /// <param name="weights">k, one per column.</param>
    /// <param name="destination">Output elements, not overlapping the inputs.</param>
    /// <param name="destinationType">Output element type.</param>
    void CosineLerp(
        ReadOnlySpan<byte> a, ElementType typeA,
        ReadOnlySpan<byte> b, ElementType typeB,
        ReadOnlySpan<byte> c, ElementType typeC,
        ReadOnlySpan<float> weights,
        Span<byte> destination, ElementType destinationType);

    /// <summary>
    /// extract (SPEC §4, the reference's <c>extract_super(A, B, C)</c>) of a whole tensor in rows of
    /// <paramref name="columns"/>: with <c>x = B − A</c>, <c>y = C − A</c>, per row torch 1.13's f32 <c>cos(x, y)</c>
    /// (<see cref="TorchCosine"/>), weights by <see cref="ExtractRowWeights"/>, result <c>A + lerp(x, y, α)·w</c>.
    /// Called only for non-empty tensors.
    /// </summary>
    /// <param name="a">A's stored elements.</param>
    /// <param name="typeA">A's element type.</param>
    /// <param name="b">B's stored elements.</param>
    /// <param name="typeB">B's element type.</param>
    /// <param name="c">C's stored elements.</param>
    /// <param name="typeC">C's element type.</param>
    /// <param name="alpha">α (rounded to f32).</param>
    /// <param name="beta">β (rounded to f32).</param>
    /// <param name="gamma">γ.</param>
    /// <param name="columns">Elements per row: the last dim, 1 for a 0-dim tensor.</param>
    /// <param name="destination">Output elements, not overlapping the inputs.</param>
    /// <param name="destinationType">Output element type.</param>
    void Extract(
        ReadOnlySpan<byte> a, ElementType typeA,
        ReadOnlySpan<byte> b, ElementType typeB,
        ReadOnlySpan<byte> c, ElementType typeC,
        double alpha, double beta, double gamma, int columns,
        Span<byte> destination, ElementType destinationType);
}
