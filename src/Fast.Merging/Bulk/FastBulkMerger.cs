using Fast.Merging.Execution;

namespace Fast.Merging.Bulk;

/// <summary>
/// The library entry point for many merges over the same few models (α sweeps, block lists, modes): each input file is
/// opened once, every input tensor range is read once per wave and every variant of the wave is computed from it.
/// Each variant's output is byte-identical to <see cref="Api.FastMerger.Merge"/> of its recipe alone, metadata and input
/// hashes included. A variant that cannot be planned or written is reported and the others still run.
/// </summary>
public static class FastBulkMerger
{
    /// <summary>Runs <paramref name="plan"/> into the sink of <see cref="BulkOptions.Sink"/> (files by default).</summary>
    /// <param name="plan">The variants, e.g. from <see cref="BulkPlanParser"/> or <see cref="BulkSweep.Expand"/>, possibly a shard.</param>
    /// <param name="options">Threads, read mode, sink, memory bound, resume; defaults when null.</param>
    /// <param name="progress">Receives progress from worker threads.</param>
    /// <param name="cancellationToken">Stops the run: outputs of unfinished waves are not created; finished waves' outputs stay (resume skips them).</param>
    /// <returns>Every variant's outcome.</returns>
    /// <exception cref="BulkPlanException">Two variants write the same output.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static BulkResult Run(BulkPlan plan, BulkOptions? options = null, IProgress<BulkProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Run(plan, options ?? new BulkOptions(), null, InputTensors.Direct, progress, cancellationToken, out _);

    /// <summary>
    /// Runs <paramref name="plan"/> without writing files: <paramref name="onTensor"/> receives every output tensor of
    /// every variant once, complete, with the variant's <see cref="BulkVariant.Index"/>; tensors of one variant come in
    /// its file order; calls never overlap. <see cref="BulkOptions.Sink"/> and <see cref="BulkOptions.Resume"/> do not
    /// apply. Each variant in flight holds up to one whole output tensor, which the memory bound counts.
    /// </summary>
    /// <param name="plan">The variants.</param>
    /// <param name="onTensor">Receives (variant index, tensor); the bytes are valid only during the call.</param>
    /// <param name="options">Threads, read mode, memory bound; defaults when null.</param>
    /// <param name="progress">Receives progress from worker threads.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>Every variant's outcome (no sha256).</returns>
    public static BulkResult RunToCallback(BulkPlan plan, Action<int, MergedTensor> onTensor, BulkOptions? options = null, IProgress<BulkProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onTensor);
        var gate = new Lock();
        BulkOptions effective = (options ?? new BulkOptions()) with { Sink = BulkSinkKind.Null, Resume = false };
        return Run(
            plan,
            effective,
            v => new CallbackMergeSink(v.Plan, t =>
            {
                lock (gate)
                {
                    onTensor(v.Variant.Index, t);
                }
            }),
            InputTensors.Direct,
            progress,
            cancellationToken,
            out _);
    }

    /// <summary>The run with a sink override and an input reader (tests count reads through it).</summary>
    internal static BulkResult Run(
        BulkPlan plan,
        BulkOptions options,
        Func<PreparedVariant, IMergeSink>? sinkOverride,
        IInputReader reader,
        IProgress<BulkProgress>? progress,
        CancellationToken cancellation,
        out long windowMisses)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        BulkPlanError[] duplicates = [.. BulkPlanParser.DuplicateOutputs(plan.Variants)];
        if (duplicates.Length > 0 && sinkOverride is null && options.Sink == BulkSinkKind.Files)
        {
            throw new BulkPlanException("plan", duplicates);
        }

        var engine = new BulkEngine(options, sinkOverride, reader, progress, cancellation);
        BulkResult result = engine.Run(plan.Variants);
        windowMisses = engine.WindowMisses;
        return result;
    }
}
