using Fast.Kernels;
using Fast.Kernels.Gpu;
using Fast.Merging.Diff;

namespace Fast.Merging.Gpu;

/// <summary>
/// The diff report's device seam on <see cref="GpuMergeBackend"/>: each call uploads the two stored chunks, widens them
/// on the device and reduces them in the CPU's block and lane layout, so the report is the same bits as on the CPU.
/// </summary>
/// <param name="backend">The ILGPU backend.</param>
/// <param name="ownsBackend">True to dispose <paramref name="backend"/> with this accelerator.</param>
public sealed class GpuDifferenceAccelerator(GpuMergeBackend backend, bool ownsBackend = true) : IDifferenceAccelerator
{
    /// <inheritdoc />
    public string Name => backend.DeviceName;

    /// <inheritdoc />
    public void BlockSums(ReadOnlySpan<byte> a, ElementType typeA, ReadOnlySpan<byte> b, ElementType typeB, Span<DifferenceSums> blocks)
    {
        using GpuTensor ga = backend.Upload(a, GpuElementTypes.Of(typeA));
        using GpuTensor gb = backend.Upload(b, GpuElementTypes.Of(typeB));
        backend.DifferenceBlockSums(ga, gb, blocks);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (ownsBackend)
        {
            backend.Dispose();
        }
    }
}
