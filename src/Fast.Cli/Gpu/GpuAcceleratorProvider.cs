using Fast.Kernels.Gpu;
using Fast.Merging.Api;

namespace Fast.Cli.Gpu;

/// <summary>
/// Opens a <see cref="GpuMergeAccelerator"/>: CUDA device 0 for the product, or ILGPU's CPU accelerator, which tests
/// use to run the device path on a machine without a GPU (never a product fallback).
/// </summary>
internal sealed class GpuAcceleratorProvider(GpuPreference preference = GpuPreference.Cuda) : IMergeAcceleratorProvider
{
    public bool TryCreate(out IMergeAccelerator? accelerator, out string reason)
    {
        accelerator = null;
        if (!GpuMergeBackend.TryCreate(preference, out GpuMergeBackend? backend, out reason))
        {
            return false;
        }

        accelerator = new GpuMergeAccelerator(backend!);
        return true;
    }
}
