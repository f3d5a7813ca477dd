using ILGPU;

namespace Fast.Kernels.Gpu.Kernels;

/// <summary>
/// The cosine calcmodes' per-column reductions and merge (SPEC §4) in the order of <c>Fast.Kernels.Reductions</c>
/// and Fast.Merging's <c>CosineSimilarity</c>, so the device gives the SIMD path's bits.
/// </summary>
internal static class CosineKernels
{
    /// <summary>
    /// One thread per column of a row-major [rows, columns] pair: Σx·y, Σx², Σy² in double, rows added in order
    /// (<c>Reductions.ColumnSums</c>); written to <paramref name="sums"/> as three runs of <paramref name="columns"/>.
    /// </summary>
    public static void ColumnSums<TMath>(Index1D column, ArrayView<float> x, ArrayView<float> y, ArrayView<double> sums, int rows, int columns)
        where TMath : struct, IStrictMath
    {
        var math = default(TMath);
        double dot = 0;
        double xx = 0;
        double yy = 0;
        for (int r = 0; r < rows; r++)
        {
            long index = ((long)r * columns) + column;
            double a = x[index];
            double b = y[index];
            dot = math.Add(dot, math.Mul(a, b));
            xx = math.Add(xx, math.Mul(a, a));
            yy = math.Add(yy, math.Mul(b, b));
        }

        sums[column] = dot;
        sums[columns + column] = xx;
        sums[(2 * columns) + column] = yy;
    }

    /// <summary><c>x / max(f32(sqrt(Σ column²)), eps)</c> per element (torch's normalize and cosine_similarity over dim 0).</summary>
    public static void NormalizeColumns(Index1D i, ArrayView<float> values, ArrayView<double> squares, int columns, float epsilon)
    {
        float norm = MergeMath.MaxKeepingNaN((float)Math.Sqrt(squares[i % columns]), epsilon);
        values[i] = values[i] / norm;
    }

    /// <summary>
    /// <c>lerp(start, end, k)</c> with k per column, in torch's fma form: <c>fma(k, d, start)</c> or
    /// <c>fma(−d, 1 − k, end)</c> (its zero signs, which <c>fma(k − 1, d, end)</c> would not give at k = 1).
    /// </summary>
    public static void ColumnLerp<TMath>(Index1D i, ArrayView<float> start, ArrayView<float> end, ArrayView<float> weights, ArrayView<float> output, int columns)
        where TMath : struct, IStrictMath
    {
        var math = default(TMath);
        float s = start[i];
        float e = end[i];
        float w = weights[i % columns];
        float d = math.Sub(e, s);
        output[i] = Math.Abs(w) < 0.5f ? math.Fma(w, d, s) : math.Fma(-d, math.Sub(1f, w), e);
    }
}
