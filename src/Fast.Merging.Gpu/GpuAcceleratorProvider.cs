using Fast.Kernels.Gpu;
using Fast.Merging.Api;
using Fast.Merging.Methods;

namespace Fast.Merging.Gpu;

/// <summary>
/// Opens a <see cref="GpuMergeAccelerator"/>: CUDA device 0 for the product, or ILGPU's CPU accelerator, which tests
/// use to run the device path on a machine without a GPU (never a product fallback). Pass it as
/// <see cref="MergeOptions.Accelerator"/>; a merge that needs no device never opens one.
/// </summary>
/// <param name="preference">Which ILGPU accelerator to open.</param>
public sealed class GpuAcceleratorProvider(GpuPreference preference = GpuPreference.Cuda) : IMergeAcceleratorProvider
{
    /// <inheritdoc />
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
