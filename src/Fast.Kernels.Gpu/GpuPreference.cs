namespace Fast.Kernels.Gpu;

/// <summary>Which ILGPU accelerator <see cref="GpuMergeBackend.TryCreate(GpuPreference, out GpuMergeBackend?, out string)"/> opens.</summary>
public enum GpuPreference
{
    /// <summary>A CUDA device (the product's GPU path).</summary>
    Cuda = 0,

    /// <summary>
    /// ILGPU's CPU accelerator, for tests only: it runs the same kernels slowly. The product's no-GPU
    /// fallback is the SIMD path of Fast.Kernels, never this.
    /// </summary>
    CpuAcceleratorForTesting = 1,
}
