using Fast.Kernels.Gpu;
using Fast.Merging.Diff;

namespace Fast.Merging.Gpu;

/// <summary>Opens a <see cref="GpuDifferenceAccelerator"/>: CUDA device 0, or ILGPU's CPU accelerator for tests.</summary>
/// <param name="preference">Which ILGPU accelerator to open.</param>
public sealed class GpuDifferenceAcceleratorProvider(GpuPreference preference = GpuPreference.Cuda) : IDifferenceAcceleratorProvider
{
    /// <inheritdoc />
    public bool TryCreate(out IDifferenceAccelerator? accelerator, out string reason)
    {
        accelerator = null;
        if (!GpuMergeBackend.TryCreate(preference, out GpuMergeBackend? backend, out reason))
        {
            return false;
        }

        accelerator = new GpuDifferenceAccelerator(backend!);
        return true;
    }
}
