using Fast.Kernels.Merge.Operators;
using Fast.Kernels.Simd;

namespace Fast.Kernels;

/// <summary>
/// The merge arithmetic of SPEC §2–4 on binary32 spans. Every method is elementwise, so calling it on chunks of
/// a tensor gives exactly the result of one call on the whole tensor; results do not depend on the SIMD width.
/// A destination may be exactly one of the inputs (in place) or disjoint from them.
/// <see cref="MergeKernels"/> overloads taking <c>ReadOnlySpan&lt;byte&gt;</c> + <see cref="ElementType"/> read and
/// write stored tensors directly in one pass.
/// </summary>
public static partial class MergeKernels
{
    /// <summary>Weighted sum: torch's <c>lerp(start, end, weight)</c> (SPEC §2).</summary>
    public static void Lerp(ReadOnlySpan<float> start, ReadOnlySpan<float> end, float weight, Span<float> destination) =>
        ElementwiseDriver.Run(start, end, destination, new LerpOperator(weight));

    /// <summary>Weighted sum on f32 values: α exactly 0 keeps <paramref name="a"/>, exactly 1 copies <paramref name="b"/>, else lerp (SPEC §3).</summary>
    public static void WeightedSum(ReadOnlySpan<float> a, ReadOnlySpan<float> b, double alpha, Span<float> destination)
    {
        Guard.SameLength(a.Length, b.Length, nameof(b));
        Guard.SameLength(a.Length, destination.Length, nameof(destination));
        if (alpha == 0)
        {
            a.CopyTo(destination);
        }
        else if (alpha == 1)
        {
            b.CopyTo(destination);
        }
        else
        {
            Lerp(a, b, (float)alpha, destination);
        }
    }

    /// <summary><c>x − y</c>, e.g. the add-difference delta B − C before it is rounded to B's dtype.</summary>
    public static void Subtract(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) =>
        ElementwiseDriver.Run(x, y, destination, default(SubtractOperator));

    /// <summary><c>a + (alpha·difference)</c> as a product then a sum, no fma (add difference, smoothAdd).</summary>
    public static void AddScaled(ReadOnlySpan<float> a, ReadOnlySpan<float> difference, float alpha, Span<float> destination) =>
        ElementwiseDriver.Run(a, difference, destination, new AddScaledOperator(alpha));

    /// <summary>Scaled sum: <c>(factorA·a) + (factorB·b)</c>, no fma, no normalisation.</summary>
    public static void ScaledSum(ReadOnlySpan<float> a, ReadOnlySpan<float> b, float factorA, float factorB, Span<float> destination) =>
        ElementwiseDriver.Run(a, b, destination, new ScaledSumOperator(factorA, factorB));

    /// <summary>Sum twice: <c>lerp(lerp(a, b, alpha), c, beta)</c>.</summary>
    public static void SumTwice(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c, float alpha, float beta, Span<float> destination) =>
        ElementwiseDriver.Run(a, b, c, destination, new SumTwiceOperator(alpha, beta));

    /// <summary>
    /// Triple sum (SPEC §3). With α + β ≠ 0: <c>lerp(a, lerp(b, c, β/(α+β)), α+β)</c>, both weights computed in
    /// double and then rounded to binary32; otherwise <c>(1−α−β)·a + α·b + β·c</c> left to right in binary32.
    /// </summary>
    public static void TripleSum(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c, double alpha, double beta, Span<float> destination)
    {
        if (alpha + beta != 0)
        {
            ElementwiseDriver.Run(a, b, c, destination, TripleLerp(alpha, beta));
        }
        else
        {
            ElementwiseDriver.Run(a, b, c, destination, TripleLinear(alpha, beta));
        }
    }

    /// <summary>
    /// trainDifference (SPEC §4) with <c>k = f32(alpha·1.8)</c>. The "B equals C everywhere: keep A" rule is a
    /// whole-tensor decision: check <see cref="Reductions.AllEqual(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
    /// over the whole tensor first; this method always applies the formula.
    /// </summary>
    public static void TrainDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c, double alpha, Span<float> destination) =>
        ElementwiseDriver.Run(a, b, c, destination, new TrainDifferenceOperator(TrainDifferenceFactor(alpha)));

    /// <summary>
    /// Add difference with the delta computed here: <c>D = round_to(differenceType, b − c)</c>, then
    /// <c>a + (alpha·D)</c>. <paramref name="differenceType"/> is B's dtype (SPEC §3).
    /// </summary>
    public static void AddDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c, ElementType differenceType, float alpha, Span<float> destination)
    {
        Guard.SameLength(a.Length, b.Length, nameof(b));
        Guard.SameLength(a.Length, c.Length, nameof(c));
        Guard.SameLength(a.Length, destination.Length, nameof(destination));
        Guard.NoPartialOverlap(a, destination, sameFormat: true, nameof(a));
        Guard.NoPartialOverlap(b, destination, sameFormat: true, nameof(b));
        Guard.NoPartialOverlap(c, destination, sameFormat: true, nameof(c));
        Span<float> delta = stackalloc float[StoredDriver.BlockElements];
        for (int start = 0; start < a.Length; start += StoredDriver.BlockElements)
        {
            int len = Math.Min(StoredDriver.BlockElements, a.Length - start);
            Span<float> d = delta[..len];
            ElementwiseDriver.Run(b.Slice(start, len), c.Slice(start, len), d, default(SubtractOperator));
            ElementConvert.RoundTo(d, differenceType);
            ElementwiseDriver.Run(a.Slice(start, len), d, destination.Slice(start, len), new AddScaledOperator(alpha));
        }
    }

    internal static TripleLerpOperator TripleLerp(double alpha, double beta) =>
        new((float)(beta / (alpha + beta)), (float)(alpha + beta));

    internal static LinearTripleOperator TripleLinear(double alpha, double beta) =>
        new((float)(1 - alpha - beta), (float)alpha, (float)beta);

    internal static float TrainDifferenceFactor(double alpha) => (float)(alpha * 1.8);
}
