namespace Fast.Merging.Api;

/// <summary>Where a merge computes.</summary>
public enum MergeDevice
{
    /// <summary>
    /// The GPU (through <see cref="MergeOptions.Accelerator"/>) for the compute-heavy calcmodes (smoothAdd, cosineA,
    /// cosineB, extract) when one can be opened, the SIMD kernels for everything else and whenever no GPU is present.
    /// The output bytes are the same either way.
    /// </summary>
    Auto,

    /// <summary>The SIMD kernels only.</summary>
    Cpu,

    /// <summary>The GPU for every operation it implements (calcmode normal, trainDifference, smoothAdd, cosineA, cosineB, extract); an error when none can be opened.</summary>
    Gpu,
}
