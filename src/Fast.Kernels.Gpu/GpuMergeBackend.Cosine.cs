using ILGPU;
using ILGPU.Runtime;

namespace Fast.Kernels.Gpu;

/// <summary>
/// The cosine calcmodes (SPEC §4) on the device: the per-key measurement of the first pass and the per-column lerp of
/// the merge pass, in the operation order of Fast.Merging's <c>CosineSimilarity</c> so the bits are the SIMD path's.
/// </summary>
public sealed partial class GpuMergeBackend
{
    /// <summary>torch's <c>normalize(p=2, dim=0)</c> epsilon (cosineA's first step).</summary>
    private const float NormalizeEpsilon = 1e-12f;

    /// <summary>torch 1.13's <c>cosine_similarity</c> epsilon.</summary>
    private const float SimilarityEpsilon = 1e-8f;

    /// <summary>
    /// One key's similarities over dim 0 of the tensors viewed as [rows, <c>similarity.Length</c>]: per column the
    /// cosine of the columns (each divided by <c>max(‖column‖, 1e-8)</c>, the products summed), and the whole-tensor
    /// magnitude <c>f32(Σxy) / (f32(√Σx²)·f32(√Σy²))</c>. Column sums accumulate in double over rows in order,
    /// whole-tensor sums as <see cref="CosineSums"/>.
    /// </summary>
    /// <param name="x">A; overwritten with its normalised columns.</param>
    /// <param name="y">B (or B − C); overwritten with its normalised columns.</param>
    /// <param name="normalizeFirst">cosineA: normalise both per column (epsilon 1e-12) first; everything after sees the normalised tensors.</param>
    /// <param name="similarity">One value per column.</param>
    /// <returns>The magnitude.</returns>
    public float CosineSimilarity(GpuTensor x, GpuTensor y, bool normalizeFirst, Span<float> similarity)
    {
        ValidateElementwise(x, y);
        int columns = similarity.Length;
        int rows = RowCount(x.Length, columns);
        if (rows == 0)
        {
            // Sums of nothing: every column's similarity is 0 and the magnitude 0/0.
            similarity.Clear();
            return float.NaN;
        }

        var dots = new double[columns];
        using var sums = _accelerator.Allocate1D<double>(3 * columns);
        var sumsView = sums.View.BaseView;
        lock (_gate)
        {
            _kernels.ColumnSums(columns, x.View, y.View, sumsView, rows, columns);
            if (normalizeFirst)
            {
                NormalizeColumns(x, y, sumsView, columns, NormalizeEpsilon);
                _kernels.ColumnSums(columns, x.View, y.View, sumsView, rows, columns);
            }
        }

        GpuCosineSums whole = CosineSums(x, y);
        float magnitude = (float)whole.Dot / ((float)Math.Sqrt(whole.SquaredNormA) * (float)Math.Sqrt(whole.SquaredNormB));
        lock (_gate)
        {
            NormalizeColumns(x, y, sumsView, columns, SimilarityEpsilon);
            _kernels.ColumnSums(columns, x.View, y.View, sumsView, rows, columns);
            _accelerator.Synchronize();
            sumsView.SubView(0, columns).CopyToCPU(dots.AsSpan());
        }

        for (int j = 0; j < columns; j++)
        {
            similarity[j] = (float)dots[j];
        }

        return magnitude;
    }

    /// <summary>
    /// The cosine merge: <c>lerp(start, end, k)</c> with k per column (<c>weights[i mod columns]</c>) in torch's fma
    /// form, <c>fma(k, d, start)</c> for |k| &lt; 0.5, else <c>fma(−d, 1 − k, end)</c>.
    /// </summary>
    /// <param name="start">B (or B − C).</param>
    /// <param name="end">A.</param>
    /// <param name="weights">k, one per column.</param>
    /// <param name="output">Result; may alias an input.</param>
    public void CosineLerp(GpuTensor start, GpuTensor end, ReadOnlySpan<float> weights, GpuTensor output)
    {
        ValidateElementwise(output, start, end);
        if (RowCount(output.Length, weights.Length) == 0)
        {
            return;
        }

        using var deviceWeights = Upload(weights);
        lock (_gate)
        {
            _kernels.ColumnLerp(output.Length, start.View, end.View, deviceWeights.View, output.View, weights.Length);
            _accelerator.Synchronize();
        }
    }

    /// <summary>
    /// <see cref="Reductions.ColumnSums"/> on the device, the sums downloaded: the kernel <see cref="CosineSimilarity"/>
    /// runs, exposed so tests can compare its double sums bit for bit (the f32 results hide most of their bits).
    /// </summary>
    internal void ColumnSums(GpuTensor x, GpuTensor y, Span<double> dot, Span<double> xx, Span<double> yy)
    {
        ValidateElementwise(x, y);
        int columns = dot.Length;
        int rows = RowCount(x.Length, columns);
        Guard.SameLength(columns, xx.Length, nameof(xx));
        Guard.SameLength(columns, yy.Length, nameof(yy));
        if (rows == 0)
        {
            dot.Clear();
            xx.Clear();
            yy.Clear();
            return;
        }

        var host = new double[3 * columns];
        using var sums = _accelerator.Allocate1D<double>(3 * columns);
        lock (_gate)
        {
            _kernels.ColumnSums(columns, x.View, y.View, sums.View.BaseView, rows, columns);
            _accelerator.Synchronize();
            sums.View.BaseView.CopyToCPU(host.AsSpan());
        }

        host.AsSpan(0, columns).CopyTo(dot);
        host.AsSpan(columns, columns).CopyTo(xx);
        host.AsSpan(2 * columns, columns).CopyTo(yy);
    }

    /// <summary>Both tensors divided by their column norms from the Σx² and Σy² runs of <paramref name="sums"/>; caller holds the lock.</summary>
    private void NormalizeColumns(GpuTensor x, GpuTensor y, ArrayView<double> sums, int columns, float epsilon)
    {
        _kernels.NormalizeColumns(x.Length, x.View, sums.SubView(columns, columns), columns, epsilon);
        _kernels.NormalizeColumns(y.Length, y.View, sums.SubView(2L * columns, columns), columns, epsilon);
    }
}
