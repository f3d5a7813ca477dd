using Fast.SafeTensors;

namespace Fast.Merging.Bulk;

/// <summary>How <see cref="FastBulkMerger"/> runs. None of these change any variant's bytes.</summary>
public sealed record BulkOptions
{
    /// <summary>The default memory bound: 2 GiB.</summary>
    public const long DefaultMaxMemory = 2L << 30;

    /// <summary>Worker threads; defaults to the processor count. Work is spread over variants, so fewer variants than threads leaves some idle.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>How inputs are read: memory-mapped (default) or with positional reads.</summary>
    public ReadMode ReadMode { get; init; } = ReadMode.Mapped;

    /// <summary>Where outputs go.</summary>
    public BulkSinkKind Sink { get; init; } = BulkSinkKind.Files;

    /// <summary>Replace existing output files (files sink).</summary>
    public bool Overwrite { get; init; }

    /// <summary>
    /// Flush each output file to the device before renaming it into place (files sink; default). Off, outputs are
    /// written like <c>cp</c> writes: after a power loss one can exist with data missing, and <see cref="Resume"/>,
    /// which trusts existing outputs, would keep it.
    /// </summary>
    public bool FlushToDisk { get; init; } = true;

    /// <summary>
    /// Skip a variant whose output file exists and records (metadata <c>fastmerge.recipe</c>) exactly the recipe the
    /// variant would record, input hashes included (files sink).
    /// </summary>
    public bool Resume { get; init; }

    /// <summary>
    /// The bound on memory in flight (input windows, per-worker scratch, whole-tensor work buffers and every variant's
    /// plan and sink). Variants that do not fit together run in successive waves; each wave reads the inputs once.
    /// </summary>
    public long MaxMemory { get; init; } = DefaultMaxMemory;

    /// <summary>Hash the inputs so outputs name them in their metadata, as <c>fastmerge merge</c> does. On by default.</summary>
    public bool HashInputs { get; init; } = true;

    /// <summary>Report each output's sha256 (computed while it is written, in file order). On by default; the hash sink always does.</summary>
    public bool HashOutputs { get; init; } = true;
}
