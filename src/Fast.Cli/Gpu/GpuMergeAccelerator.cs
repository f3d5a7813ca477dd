using Fast.Kernels;
using Fast.Kernels.Gpu;
using Fast.Merging.Api;
using Fast.Merging.Recipes;

namespace Fast.Cli.Gpu;

/// <summary>
/// The library's device seam implemented on <see cref="GpuMergeBackend"/> (ILGPU): each call uploads the stored
/// inputs, widens them on the device, runs the op and narrows the result back. Lives in the CLI because ILGPU cannot
/// run under NativeAOT, which the library must. A borrowed backend (tests share one to compile kernels once) is not disposed.
/// </summary>
internal sealed class GpuMergeAccelerator(GpuMergeBackend backend, bool ownsBackend = true) : IMergeAccelerator
{
    public string Name => backend.DeviceName;

    public void Merge(
        MergeMode mode,
        ReadOnlySpan<byte> a, ElementType typeA,
        ReadOnlySpan<byte> b, ElementType typeB,
        ReadOnlySpan<byte> c, ElementType typeC,
        double alpha, double beta,
        Span<byte> destination, ElementType destinationType)
    {
        using GpuTensor ga = backend.Upload(a, ToGpu(typeA));
        using GpuTensor gb = backend.Upload(b, ToGpu(typeB));
        using GpuTensor? gc = mode is MergeMode.WeightSum or MergeMode.ScaledSum ? null : backend.Upload(c, ToGpu(typeC));
        switch (mode)
        {
            case MergeMode.WeightSum: backend.WeightedSum(ga, gb, alpha, ga); break;
            case MergeMode.ScaledSum: backend.ScaledSum(ga, gb, (float)alpha, (float)beta, ga); break;
            case MergeMode.AddDifference: backend.AddDifference(ga, gb, gc!, ToGpu(typeB), (float)alpha, ga); break;
            case MergeMode.TripleSum: backend.TripleSum(ga, gb, gc!, alpha, beta, ga); break;
            default: backend.SumTwice(ga, gb, gc!, (float)alpha, (float)beta, ga); break;
        }

        backend.Download(ga, ToGpu(destinationType), destination);
    }

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

    private static GpuElementType ToGpu(ElementType type) => type switch
    {
        ElementType.F16 => GpuElementType.F16,
        ElementType.BF16 => GpuElementType.BF16,
        ElementType.F32 => GpuElementType.F32,
        ElementType.F64 => GpuElementType.F64,
        ElementType.F8E4M3 => GpuElementType.F8E4M3,
        ElementType.F8E5M2 => GpuElementType.F8E5M2,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no GPU element type"),
    };
}
