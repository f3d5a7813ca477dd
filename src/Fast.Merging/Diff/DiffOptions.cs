using Fast.Merging.Api;

namespace Fast.Merging.Diff;

/// <summary>How <see cref="ModelDiff.Compare"/> runs.</summary>
public sealed record DiffOptions
{
    /// <summary>Worker threads reading and reducing chunks (default: every core).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// <see cref="MergeDevice.Gpu"/> computes the sums on <see cref="Accelerator"/> (an error when none opens); Auto and
    /// Cpu use the SIMD kernels, which keep up with the disk. The report is the same bits either way.
    /// </summary>
    public MergeDevice Device { get; init; } = MergeDevice.Auto;

    /// <summary>Reduction blocks per read (16: 1 Mi elements, 2 MiB of fp16); tests make it 1 to cross many chunk borders.</summary>
    internal int ChunkBlocks { get; init; } = 16;

    /// <summary>The device backend for <see cref="MergeDevice.Gpu"/>, or null when this build has none.</summary>
    public IDifferenceAcceleratorProvider? Accelerator { get; init; }
}
