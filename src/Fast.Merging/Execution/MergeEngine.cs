using System.Collections.Concurrent;
using Fast.Kernels;
using Fast.Merging.Execution.Calcmodes;
using Fast.Merging.Methods;
using Fast.Merging.Planning;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Merging.Execution;

/// <summary>
/// Streams a <see cref="MergePlan"/> through the kernels into a sink. Calcmode <c>normal</c> is cut into chunks of at
/// most <see cref="ChunkElements"/> elements with fixed scratch per worker; the whole-tensor calcmodes (cosine,
/// smoothAdd, extract, tensor, trainDifference) take one key per work item with pooled buffers, so memory in flight
/// is bounded by threads × the largest tensor whatever the model size. Work is handed out in file data order; every
/// operation's bytes are independent of the chunking, the thread count and the read mode.
/// </summary>
public static class MergeEngine
{
    /// <summary>
    /// Elements per calcmode-normal work item (1 MiB of scratch per input). Small enough that the output chunk is
    /// still in L2 when pwrite copies it into the page cache: 1M-element chunks cost ~0.6 s more kernel time on a
    /// 2 GB SD1.5 merge (the copy then streams from L3/DRAM).
    /// </summary>
    public const int ChunkElements = WorkScratch.ChunkElements;

    /// <summary>Runs the plan into a file and commits it; on failure or cancellation nothing appears at the path.</summary>
    /// <param name="plan">The plan from <see cref="MergePlanner.Plan"/>.</param>
    /// <param name="a">Model A, opened.</param>
    /// <param name="b">Model B, opened.</param>
    /// <param name="c">Model C, for three-model modes.</param>
    /// <param name="outputPath">The output file.</param>
    /// <param name="overwrite">Replace an existing file.</param>
    /// <param name="threads">Worker threads.</param>
    /// <param name="progress">Receives progress, from worker threads.</param>
    /// <param name="cancellation">Stops the merge; the output is then not created.</param>
    public static void Run(
        MergePlan plan,
        SafeTensorsFile a,
        SafeTensorsFile b,
        SafeTensorsFile? c,
        string outputPath,
        bool overwrite,
        int threads,
        IProgress<MergeProgress>? progress,
        CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Run(plan, new MergeSources(a, b, c), () => FileMergeSink.Create(plan, outputPath, overwrite, flushToDisk: true), new EngineOptions(threads), progress, cancellation);
    }

    /// <summary>
    /// Runs the plan: the cosine first pass (which may still reject the merge), then the sink is created and every
    /// tensor written, then <see cref="IMergeSink.Complete"/>. The sink is disposed in every case.
    /// </summary>
    internal static void Run(
        MergePlan plan,
        MergeSources sources,
        Func<IMergeSink> createSink,
        EngineOptions options,
        IProgress<MergeProgress>? progress,
        CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(sources);
        try
        {
            RunCore(plan, sources, createSink, options, progress, cancellation);
        }
        catch (FileChangedException changed)
        {
            throw sources.Changed(changed);
        }
        catch (AggregateException aggregate) when (aggregate.Flatten().InnerExceptions.FirstOrDefault(e => e is FileChangedException) is FileChangedException changed)
        {
            // An input that shrank fails every worker reading it (the cosine pass's too): any of them says which.
            throw sources.Changed(changed);
        }
    }

    private static void RunCore(
        MergePlan plan,
        MergeSources sources,
        Func<IMergeSink> createSink,
        EngineOptions options,
        IProgress<MergeProgress>? progress,
        CancellationToken cancellation)
    {
        int threads = Math.Max(1, options.Threads);
        MergeRecipe recipe = plan.Recipe;
        IMergeAccelerator? wholeTensorDevice = CalcModeCatalog.Get(recipe.CalcMode).ComputeHeavy || options.AccelerateAll ? options.Accelerator : null;
        CosineStatistics? cosine = CalcModeCatalog.Get(recipe.CalcMode).UsesCosineStatistics
            ? CosineStatistics.Compute(plan, sources, threads, cancellation)
            : null;
        // Work goes out in the output file's data order: the file is written front to back (what write-back and a
        // hashing sink prefer), whatever order model A listed its keys in.
        var planIndex = new Dictionary<string, int>(plan.Tensors.Count, StringComparer.Ordinal);
        for (int i = 0; i < plan.Tensors.Count; i++)
        {
            planIndex[plan.Tensors[i].Name] = i;
        }

        var work = new List<WorkItem>();
        var remaining = new long[plan.Tensors.Count];
        long total = 0;
        foreach (string name in OutputLayout.Of(plan).DataOrder)
        {
            int i = planIndex[name];
            PlannedTensor t = plan.Tensors[i];
            long n = ElementCount(t.Shape);
            remaining[i] = checked(n * DTypeInfo.BitSize(t.OutputDType) / 8);
            total += remaining[i];
            bool chunked = TensorOperations.IsChunkable(t, recipe.CalcMode, copies: false) && n > 0;
            if (!chunked)
            {
                work.Add(new WorkItem(i, 0, 0));
                continue;
            }

            for (long start = 0; start < n; start += ChunkElements)
            {
                work.Add(new WorkItem(i, start, (int)Math.Min(ChunkElements, n - start)));
            }
        }

        // Whole-tensor items already run side by side, one per worker; filters that split a tensor over the same cores
        // again only add hand-offs (a full SD1.5 smoothAdd: 27 s -> 22.6 s, 48 -> 38 s of CPU, with 2 threads). A plan
        // of a few whole tensors keeps the split, so one large tensor still uses every core.
        int wholeMerges = work.Count(item => item.Count == 0 && plan.Tensors[item.Tensor].Action == TensorAction.Merge);
        PlusRandomStreams? random = CalcModeCatalog.Get(recipe.CalcMode).DrawsRandom ? PlusRandomStreams.Compute(plan, sources, recipe.Seed!.Value) : null;
        var whole = new WholeTensorMerge(recipe, cosine, wholeTensorDevice, wholeMerges >= threads * 4 ? 1 : threads, random);

        using IMergeSink sink = createSink();
        var context = new TensorOperations(plan, sources, sink, whole, options.AccelerateAll ? options.Accelerator : null);
        long doneBytes = 0;
        int doneTensors = 0;
        try
        {
            Parallel.ForEach(
                Partitioner.Create(work, EnumerablePartitionerOptions.NoBuffering),
                new ParallelOptions { CancellationToken = cancellation, MaxDegreeOfParallelism = threads },
                () => new WorkScratch(),
                (item, _, scratch) =>
                {
                    cancellation.ThrowIfCancellationRequested();
                    long bytes = context.Execute(plan.Tensors[item.Tensor], item.Start, item.Count, scratch);
                    long nowBytes = Interlocked.Add(ref doneBytes, bytes);
                    int nowTensors = Interlocked.Add(ref remaining[item.Tensor], -bytes) == 0 ? Interlocked.Increment(ref doneTensors) : Volatile.Read(ref doneTensors);
                    progress?.Report(new MergeProgress(nowBytes, total, nowTensors, plan.Tensors.Count));
                    return scratch;
                },
                _ => { });
        }
        catch (AggregateException aggregate) when (aggregate.InnerExceptions.Count == 1)
        {
            // One failing worker (a read error, a full disk): report its exception, not the wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(aggregate.InnerExceptions[0]).Throw();
        }

        cancellation.ThrowIfCancellationRequested();
        sources.EnsureUnchanged();
        sink.Complete();
    }

    private static long ElementCount(IReadOnlyList<long> shape)
    {
        long n = 1;
        foreach (long d in shape)
        {
            n = checked(n * d);
        }

        return n;
    }

    /// <summary>One unit of work: a whole tensor (<paramref name="Count"/> 0) or a chunk of elements of a calcmode-normal merge.</summary>
    private readonly record struct WorkItem(int Tensor, long Start, int Count);
}
