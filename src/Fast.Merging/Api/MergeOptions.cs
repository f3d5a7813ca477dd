using Fast.SafeTensors;

namespace Fast.Merging.Api;

/// <summary>How <see cref="FastMerger"/> runs a merge. None of these change the output bytes.</summary>
public sealed record MergeOptions
{
    /// <summary>Worker threads; defaults to the processor count.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>How inputs are read: memory-mapped (default) or with positional reads (for network drives).</summary>
    public ReadMode ReadMode { get; init; } = ReadMode.Mapped;

    /// <summary>Replace an existing output file (also when it is one of the inputs: written aside, then renamed over).</summary>
    public bool Overwrite { get; init; }

    /// <summary>
    /// Flush the output to the device before it is renamed into place (default), so that after a crash or power loss
    /// it is either absent or complete. Off, a merge writes like <c>cp</c> does: faster, but after a power loss the
    /// output can exist with data missing.
    /// </summary>
    public bool FlushToDisk { get; init; } = true;

    /// <summary>Where to compute; see <see cref="MergeDevice"/>.</summary>
    public MergeDevice Device { get; init; } = MergeDevice.Auto;

    /// <summary>Opens the GPU for <see cref="MergeDevice.Auto"/> and <see cref="MergeDevice.Gpu"/>; without one, auto runs on the CPU and gpu is an error.</summary>
    public IMergeAcceleratorProvider? Accelerator { get; init; }

    /// <summary>
    /// Hash the inputs (sha256 and A1111's legacy hash, cached by path, size and mtime) so the output's metadata names
    /// them (<c>fastmerge.recipe</c>, <c>sd_merge_recipe</c>, <c>sd_merge_models</c>). On by default.
    /// </summary>
    public bool HashInputs { get; init; } = true;

    /// <summary>Hash the written file and report it in <see cref="MergeResult.OutputHashes"/>. On by default.</summary>
    public bool HashOutput { get; init; } = true;
}
