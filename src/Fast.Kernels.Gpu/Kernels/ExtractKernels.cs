using ILGPU;

namespace Fast.Kernels.Gpu.Kernels;

/// <summary>
/// calcmode extract (SPEC §4) on the device: the differences from A, torch 1.13's row cosines, and the final blend.
/// The per-row weights between them (clamp, power, lerp) are computed on the host by <c>Fast.Kernels.ExtractRowWeights</c>.
/// </summary>
internal static class ExtractKernels
{
    /// <summary>torch clamps the squared norms at <c>eps * eps</c> (eps = 1e-8), computed in double and used as an f32.</summary>
    private const float SquaredEpsilon = (float)(1e-8 * 1e-8);

    /// <summary><c>B − A</c> and <c>C − A</c>.</summary>
    public static void Differences<TMath>(
        Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, ArrayView<float> fromB, ArrayView<float> fromC)
        where TMath : struct, IStrictMath
    {
        var math = default(TMath);
        float baseValue = a[i];
        fromB[i] = math.Sub(b[i], baseValue);
        fromC[i] = math.Sub(c[i], baseValue);
    }

    /// <summary>
    /// One thread per row: torch 1.13's <c>cosine_similarity(x, y, dim=−1)</c>, i.e. <c>sx = sqrt(max(sum(x·x), eps²))</c>,
    /// the same for y, then <c>sum((x / sx)·(y / sy))</c>, every sum torch's f32 cascade (not clamped).
    /// </summary>
    public static void RowCosine<TMath>(Index1D row, ArrayView<float> x, ArrayView<float> y, ArrayView<float> similarity, int columns)
        where TMath : struct, IStrictMath
    {
        long start = (long)(int)row * columns;
        ArrayView<float> xRow = x.SubView(start, columns);
        ArrayView<float> yRow = y.SubView(start, columns);
        float sx = MathF.Sqrt(MergeMath.MaxKeepingNaN(CascadeRowSum.Sum<TMath, SquareTerms<TMath>>(new SquareTerms<TMath>(xRow), columns), SquaredEpsilon));
        float sy = MathF.Sqrt(MergeMath.MaxKeepingNaN(CascadeRowSum.Sum<TMath, SquareTerms<TMath>>(new SquareTerms<TMath>(yRow), columns), SquaredEpsilon));
        similarity[row] = CascadeRowSum.Sum<TMath, NormalizedProductTerms<TMath>>(new NormalizedProductTerms<TMath>(xRow, sx, yRow, sy), columns);
    }

    /// <summary><c>A + (lerp(B − A, C − A, α) · w[row])</c>, the product and the sum rounded separately.</summary>
    public static void Blend<TMath>(
        Index1D i, ArrayView<float> a, ArrayView<float> fromB, ArrayView<float> fromC, ArrayView<float> rowWeights, ArrayView<float> output, float alpha, int columns)
        where TMath : struct, IStrictMath
    {
        var math = default(TMath);
        float blended = MergeMath.Lerp<TMath>(fromB[i], fromC[i], alpha);
        output[i] = math.Add(a[i], math.Mul(blended, rowWeights[i / columns]));
    }
}
