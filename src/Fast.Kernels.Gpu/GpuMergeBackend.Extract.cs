using ILGPU.Runtime;

namespace Fast.Kernels.Gpu;

/// <summary>calcmode extract (SPEC §4): torch 1.13's row cosines on the device, bit-identical to <see cref="TorchCosine"/>.</summary>
public sealed partial class GpuMergeBackend
{
    /// <summary>
    /// <see cref="TorchCosine.Similarity"/> of every row pair of two row-major [rows, <paramref name="columns"/>]
    /// tensors (torch's <c>cosine_similarity(x, y, dim=−1)</c>, not clamped), one device thread per row.
    /// </summary>
    /// <param name="x">First tensor.</param>
    /// <param name="y">Second tensor, same length.</param>
    /// <param name="columns">Elements per row (&gt; 0 unless the tensors are empty).</param>
    /// <param name="similarity">One value per row: length / <paramref name="columns"/> elements.</param>
    public void RowCosines(GpuTensor x, GpuTensor y, int columns, Span<float> similarity)
    {
        ValidateElementwise(x, y);
        int rows = RowCount(x.Length, columns);
        Guard.SameLength(rows, similarity.Length, nameof(similarity));
        if (rows == 0)
        {
            return;
        }

        using var device = Allocate(rows);
        lock (_gate)
        {
            _kernels.RowCosine(rows, x.View, y.View, device.View, columns);
            _accelerator.Synchronize();
            device.View.CopyToCPU(similarity);
        }
    }

    /// <summary>
    /// extract (the reference's <c>extract_super(A, B, C)</c>): with <c>x = B − A</c>, <c>y = C − A</c>, per row of
    /// <paramref name="columns"/> elements <c>w = ExtractRowWeights(cos(x, y))</c>, result <c>A + lerp(x, y, α)·w</c>.
    /// The row weights (clamp, torch's power, lerp) are a few values per row and are computed on the host by
    /// <see cref="ExtractRowWeights"/>: the power's tail rows use the C library's double <c>pow</c>, which no device
    /// reproduces bit for bit.
    /// </summary>
    /// <param name="a">A.</param>
    /// <param name="b">B.</param>
    /// <param name="c">C.</param>
    /// <param name="columns">Elements per row (the last dim; 1 for a 0-dim tensor).</param>
    /// <param name="alpha">α (rounded to f32).</param>
    /// <param name="beta">β (rounded to f32).</param>
    /// <param name="gamma">γ.</param>
    /// <param name="output">Result; may alias an input.</param>
    public void Extract(GpuTensor a, GpuTensor b, GpuTensor c, int columns, double alpha, double beta, double gamma, GpuTensor output)
    {
        ValidateElementwise(output, a, b, c);
        int rows = RowCount(output.Length, columns);
        if (rows == 0)
        {
            return;
        }

        using var fromB = Allocate(output.Length);
        using var fromC = Allocate(output.Length);
        lock (_gate)
        {
            _kernels.ExtractDifferences(output.Length, a.View, b.View, c.View, fromB.View, fromC.View);
        }

        var weights = new float[rows];
        RowCosines(fromB, fromC, columns, weights);
        ExtractRowWeights.FromCosines(weights, gamma, beta);
        using var deviceWeights = Upload(weights);
        lock (_gate)
        {
            _kernels.ExtractBlend(output.Length, a.View, fromB.View, fromC.View, deviceWeights.View, output.View, (float)alpha, columns);
            _accelerator.Synchronize();
        }
    }

    /// <summary>Rows of a row-major tensor of <paramref name="length"/> elements in rows of <paramref name="columns"/>.</summary>
    private static int RowCount(int length, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (length == 0)
        {
            return 0;
        }

        if (columns == 0 || length % columns != 0)
        {
            throw new ArgumentException($"{length} elements are not whole rows of {columns}.", nameof(columns));
        }

        return length / columns;
    }
}
