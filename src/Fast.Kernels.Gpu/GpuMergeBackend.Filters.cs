using Fast.Kernels.Gpu.Kernels;

namespace Fast.Kernels.Gpu;

/// <summary>smoothAdd's median and gaussian filters (SPEC §4).</summary>
public sealed partial class GpuMergeBackend
{
    /// <summary>
    /// Exact median of every element's 3×…×3 neighbourhood over all axes (scipy <c>median_filter(size=3,
    /// mode='reflect')</c>). Values are ordered by value with −0 below +0 and every NaN above +∞
    /// (a NaN median comes out as the canonical quiet NaN).
    /// </summary>
    /// <param name="source">Input tensor.</param>
    /// <param name="shape">Its shape, rank 1–4.</param>
    /// <param name="output">Result; must not be <paramref name="source"/>.</param>
    public void Median(GpuTensor source, ReadOnlySpan<int> shape, GpuTensor output)
    {
        var filterShape = ValidateFilter(source, shape, output);
        lock (_gate)
        {
            if (output.Length > 0)
            {
                _kernels.Median(output.Length, source.View, output.View, filterShape);
            }
        }
    }

    /// <summary>
    /// Separable gaussian (sigma 1, radius 4, scipy <c>gaussian_filter(sigma=1, mode='reflect')</c>):
    /// one double-accumulated pass per axis, 0 first, each pass stored to f32.
    /// </summary>
    /// <param name="source">Input tensor.</param>
    /// <param name="shape">Its shape, rank 1–4.</param>
    /// <param name="output">Result; must not be <paramref name="source"/>.</param>
    public void Gaussian(GpuTensor source, ReadOnlySpan<int> shape, GpuTensor output)
    {
        _ = ValidateFilter(source, shape, output);
        if (output.Length == 0)
        {
            return;
        }

        using var scratch = shape.Length > 1 ? Allocate(output.Length) : null;
        lock (_gate)
        {
            RunGaussianPasses(source, shape, output, scratch);
        }
    }

    /// <summary>
    /// smoothAdd: <c>D = round_to_dtype_of_B(B − C)</c>, <c>F = gaussian(median(D))</c>, result <c>A + (α·F)</c>.
    /// </summary>
    /// <param name="a">A.</param>
    /// <param name="b">B, widened.</param>
    /// <param name="c">C, widened.</param>
    /// <param name="elementTypeOfB">B's stored element type.</param>
    /// <param name="alpha">α as f32.</param>
    /// <param name="shape">The tensors' shape, rank 1–4.</param>
    /// <param name="output">Result; may alias an input.</param>
    public void SmoothAdd(GpuTensor a, GpuTensor b, GpuTensor c, GpuElementType elementTypeOfB, float alpha, ReadOnlySpan<int> shape, GpuTensor output)
    {
        ValidateElementwise(output, a, b, c);
        _ = ElementSize(elementTypeOfB);
        var filterShape = ToFilterShape(shape, output.Length);
        if (output.Length == 0)
        {
            return;
        }

        using var difference = Allocate(output.Length);
        using var median = Allocate(output.Length);
        using var scratch = Allocate(output.Length);
        lock (_gate)
        {
            _kernels.Difference(output.Length, b.View, c.View, difference.View, (int)elementTypeOfB);
            _kernels.Median(output.Length, difference.View, median.View, filterShape);

            // The gaussian ends in `difference` (free again after the median) and is then added to A.
            RunGaussianPasses(median, shape, difference, scratch);
            _kernels.AddScaled(output.Length, a.View, difference.View, output.View, alpha);
            _accelerator.Synchronize();
        }
    }

    /// <summary>Axis passes 0..rank−1, alternating buffers so the last pass lands in <paramref name="output"/>.</summary>
    private void RunGaussianPasses(GpuTensor source, ReadOnlySpan<int> shape, GpuTensor output, GpuTensor? scratch)
    {
        int inner = output.Length;
        var input = source;
        for (int axis = 0; axis < shape.Length; axis++)
        {
            inner /= shape[axis];
            var target = (shape.Length - 1 - axis) % 2 == 0 ? output : scratch!;
            _kernels.GaussianPass(output.Length, input.View, target.View, shape[axis], inner);
            input = target;
        }

        _accelerator.Synchronize();
    }

    private FilterShape ValidateFilter(GpuTensor source, ReadOnlySpan<int> shape, GpuTensor output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Validate(output, output.Length, nameof(output));
        Validate(source, output.Length, nameof(source));
        if (ReferenceEquals(source, output))
        {
            throw new ArgumentException("The filters read neighbours, so the output must be a different tensor than the source.", nameof(output));
        }

        return ToFilterShape(shape, output.Length);
    }

    private static FilterShape ToFilterShape(ReadOnlySpan<int> shape, int length)
    {
        if (shape.Length is < 1 or > 4)
        {
            throw new ArgumentException($"The filters support rank 1–4 tensors; this one has rank {shape.Length}.", nameof(shape));
        }

        long count = 1;
        foreach (int dimension in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(dimension, nameof(shape));
            count *= dimension;
        }

        if (count != length)
        {
            throw new ArgumentException($"The shape has {count} elements but the tensor has {length}.", nameof(shape));
        }

        return FilterShape.FromDimensions(shape);
    }
}
