using ILGPU;

namespace Fast.Kernels.Gpu.Kernels;

/// <summary>One-thread-per-element merge kernels (SPEC §3–4). Outputs may alias inputs.</summary>
internal static class ElementwiseKernels
{
    public static void Lerp<TMath>(Index1D i, ArrayView<float> start, ArrayView<float> end, ArrayView<float> output, float weight)
        where TMath : struct, IStrictMath =>
        output[i] = MergeMath.Lerp<TMath>(start[i], end[i], weight);

    /// <summary><c>lerp(lerp(A, B, α), C, β)</c>: sum twice, and triple sum with host-computed weights.</summary>
    public static void DoubleLerp<TMath>(
        Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, ArrayView<float> output, float inner, float outer, int innerFirst)
        where TMath : struct, IStrictMath
    {
        // innerFirst = 1: lerp(lerp(A, B, inner), C, outer)   (sum twice)
        // innerFirst = 0: lerp(A, lerp(B, C, inner), outer)   (triple sum)
        float result = innerFirst != 0
            ? MergeMath.Lerp<TMath>(MergeMath.Lerp<TMath>(a[i], b[i], inner), c[i], outer)
            : MergeMath.Lerp<TMath>(a[i], MergeMath.Lerp<TMath>(b[i], c[i], inner), outer);
        output[i] = result;
    }

    /// <summary><c>((wa·A) + (wb·B)) + (wc·C)</c>, each product and sum rounded separately.</summary>
    public static void WeightedSum3<TMath>(
        Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, ArrayView<float> output, float wa, float wb, float wc)
        where TMath : struct, IStrictMath
    {
        var math = default(TMath);
        output[i] = math.Add(math.Add(math.Mul(wa, a[i]), math.Mul(wb, b[i])), math.Mul(wc, c[i]));
    }

    /// <summary><c>(wa·A) + (wb·B)</c> (scaled sum).</summary>
    public static void WeightedSum2<TMath>(
        Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> output, float wa, float wb)
        where TMath : struct, IStrictMath
    {
        var math = default(TMath);
        output[i] = math.Add(math.Mul(wa, a[i]), math.Mul(wb, b[i]));
    }

    /// <summary><c>D = round_to_dtype_of_B(B − C)</c>.</summary>
    public static void Difference<TMath>(Index1D i, ArrayView<float> b, ArrayView<float> c, ArrayView<float> output, int elementTypeOfB)
        where TMath : struct, IStrictMath =>
        output[i] = ElementConversions.RoundThrough<TMath>(default(TMath).Sub(b[i], c[i]), elementTypeOfB);

    /// <summary>Add difference in one pass: <c>A + α·round_to_dtype_of_B(B − C)</c>.</summary>
    public static void AddDifference<TMath>(
        Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, ArrayView<float> output, int elementTypeOfB, float alpha)
        where TMath : struct, IStrictMath
    {
        float difference = ElementConversions.RoundThrough<TMath>(default(TMath).Sub(b[i], c[i]), elementTypeOfB);
        output[i] = MergeMath.AddScaled<TMath>(a[i], difference, alpha);
    }

    /// <summary><c>A + (α·X)</c>, the last step of smoothAdd.</summary>
    public static void AddScaled<TMath>(Index1D i, ArrayView<float> a, ArrayView<float> x, ArrayView<float> output, float alpha)
        where TMath : struct, IStrictMath =>
        output[i] = MergeMath.AddScaled<TMath>(a[i], x[i], alpha);

    public static void TrainDifference<TMath>(
        Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, ArrayView<float> output, float alphaTimes18)
        where TMath : struct, IStrictMath =>
        output[i] = MergeMath.TrainDifference<TMath>(a[i], b[i], c[i], alphaTimes18);

    /// <summary>Writes 1 into <paramref name="flag"/> when any <c>B[i] != C[i]</c> (IEEE: NaN is never equal).</summary>
    public static void AnyDifferent(Index1D i, ArrayView<float> b, ArrayView<float> c, ArrayView<int> flag)
    {
        if (b[i] != c[i])
        {
            flag[0] = 1;
        }
    }
}
