using Fast.Kernels;
using Fast.Kernels.Gpu;
using Fast.Merging.Methods;

namespace Fast.Merging.Gpu;

/// <summary>
/// The library's device seam implemented on <see cref="GpuMergeBackend"/> (ILGPU): each call uploads the stored
/// inputs, widens them on the device, runs the op and narrows the result back. Its own assembly because ILGPU cannot
/// run under NativeAOT, which the library must; the CLI's NativeAOT build leaves it out. Calcmode normal runs the mode's
/// GPU operator from <see cref="MergeModeCatalog"/>; the N-model methods run through <see cref="Methods"/>. A borrowed backend (tests share one to compile kernels once) is not
/// disposed.
/// </summary>
/// <param name="backend">The ILGPU backend the operations run on.</param>
/// <param name="ownsBackend">True to dispose <paramref name="backend"/> with this accelerator.</param>
public sealed class GpuMergeAccelerator(GpuMergeBackend backend, bool ownsBackend = true) : IMergeAccelerator
{
    private readonly GpuMethodAccelerator _methods = new(backend);

    /// <inheritdoc />
    public string Name => backend.DeviceName;

    /// <inheritdoc />
    public IMethodAccelerator Methods => _methods;

    /// <inheritdoc />
    public void Merge(
        MergeMode mode,
        ReadOnlySpan<byte> a, ElementType typeA,
        ReadOnlySpan<byte> b, ElementType typeB,
        ReadOnlySpan<byte> c, ElementType typeC,
        double alpha, double beta,
        Span<byte> destination, ElementType destinationType)
    {
        MergeModeEntry entry = MergeModeCatalog.Get(mode);
        using GpuTensor ga = backend.Upload(a, ToGpu(typeA));
        using GpuTensor gb = backend.Upload(b, ToGpu(typeB));
        using GpuTensor? gc = entry.UsesC ? backend.Upload(c, ToGpu(typeC)) : null;
        entry.Gpu(new GpuElementwiseOperands(backend, ga, gb, gc), typeB, alpha, beta);
        backend.Download(ga, ToGpu(destinationType), destination);
    }

    /// <inheritdoc />
    public void TrainDifference(
        ReadOnlySpan<byte> a, ElementType typeA,
        ReadOnlySpan<byte> b, ElementType typeB,
        ReadOnlySpan<byte> c, ElementType typeC,
        double alpha,
        Span<byte> destination, ElementType destinationType)
    {
        using GpuTensor ga = backend.Upload(a, ToGpu(typeA));
        using GpuTensor gb = backend.Upload(b, ToGpu(typeB));
        using GpuTensor gc = backend.Upload(c, ToGpu(typeC));
        backend.TrainDifference(ga, gb, gc, alpha, ga);
        backend.Download(ga, ToGpu(destinationType), destination);
    }

    /// <inheritdoc />
    public void SmoothAdd(
        ReadOnlySpan<byte> a, ElementType typeA,
        ReadOnlySpan<byte> b, ElementType typeB,
        ReadOnlySpan<byte> c, ElementType typeC,
        float alpha, ReadOnlySpan<int> shape,
        Span<byte> destination, ElementType destinationType)
    {
        using GpuTensor ga = backend.Upload(a, ToGpu(typeA));
        using GpuTensor gb = backend.Upload(b, ToGpu(typeB));
        using GpuTensor gc = backend.Upload(c, ToGpu(typeC));
        backend.SmoothAdd(ga, gb, gc, ToGpu(typeB), alpha, shape, ga);
        backend.Download(ga, ToGpu(destinationType), destination);
    }

    /// <inheritdoc />
    public float CosineSimilarity(
        bool normalizeFirst,
        ReadOnlySpan<byte> a, ElementType typeA,
        ReadOnlySpan<byte> b, ElementType typeB,
        ReadOnlySpan<byte> c, ElementType typeC,
        Span<float> similarity)
    {
        using GpuTensor ga = backend.Upload(a, ToGpu(typeA));
        using GpuTensor other = Other(b, typeB, c, typeC);
        return backend.CosineSimilarity(ga, other, normalizeFirst, similarity);
    }

    /// <inheritdoc />
    public void CosineLerp(
        ReadOnlySpan<byte> a, ElementType typeA,
        ReadOnlySpan<byte> b, ElementType typeB,
        ReadOnlySpan<byte> c, ElementType typeC,
        ReadOnlySpan<float> weights,
        Span<byte> destination, ElementType destinationType)
    {
        using GpuTensor ga = backend.Upload(a, ToGpu(typeA));
        using GpuTensor other = Other(b, typeB, c, typeC);
        backend.CosineLerp(other, ga, weights, other);
        backend.Download(other, ToGpu(destinationType), destination);
    }

    /// <inheritdoc />
    public void Extract(
        ReadOnlySpan<byte> a, ElementType typeA,
        ReadOnlySpan<byte> b, ElementType typeB,
        ReadOnlySpan<byte> c, ElementType typeC,
        double alpha, double beta, double gamma, int columns,
        Span<byte> destination, ElementType destinationType)
    {
        using GpuTensor ga = backend.Upload(a, ToGpu(typeA));
        using GpuTensor gb = backend.Upload(b, ToGpu(typeB));
        using GpuTensor gc = backend.Upload(c, ToGpu(typeC));
        backend.Extract(ga, gb, gc, columns, alpha, beta, gamma, ga);
        backend.Download(ga, ToGpu(destinationType), destination);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (ownsBackend)
        {
            backend.Dispose();
        }
    }

    /// <summary>The cosine calcmodes' other input on the device: B, or in add difference B − C rounded to B's type.</summary>
    private GpuTensor Other(ReadOnlySpan<byte> b, ElementType typeB, ReadOnlySpan<byte> c, ElementType typeC)
    {
        GpuTensor gb = backend.Upload(b, ToGpu(typeB));
        if (c.IsEmpty)
        {
            return gb;
        }

        try
        {
            using GpuTensor gc = backend.Upload(c, ToGpu(typeC));
            backend.RoundedDifference(gb, gc, ToGpu(typeB), gb);
            return gb;
        }
        catch
        {
            gb.Dispose(); // the caller never receives it
            throw;
        }
    }

    private static GpuElementType ToGpu(ElementType type) => GpuElementTypes.Of(type);
}
