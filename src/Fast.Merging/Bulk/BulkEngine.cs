using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Fast.Merging.Api;
using Fast.Merging.Execution;
using Fast.Merging.Planning;
using Fast.SafeTensors;

namespace Fast.Merging.Bulk;

/// <summary>
/// Runs many variants over shared inputs. Variants are planned (as <c>merge</c> plans them) and grouped into waves
/// that fit <see cref="BulkOptions.MaxMemory"/>. Within a wave, work items (chunks or whole keys, see
/// <see cref="BulkWorkItems"/>) go in batches: the batch's input ranges are read once into shared windows, then the
/// workers share out the variants and go through the batch item by item, computing each item for all their
/// variants in file order through the same <see cref="TensorOperations"/> as <see cref="MergeEngine"/>. Inputs are
/// read once per wave (the cosine calcmodes' first pass, run per variant while planning, reads its keys again).
/// Reading a batch and computing it do not overlap, and a wave of fewer variants than threads leaves threads idle.
/// A variant that fails is dropped with its error; the others go on. An input that another process truncates or
/// rewrites stops the whole run (<see cref="InputChangedException"/>): the wave in flight leaves no file, finished
/// waves keep theirs.
/// </summary>
internal sealed class BulkEngine
{
    private readonly BulkOptions _options;
    private readonly Func<PreparedVariant, IMergeSink>? _sinkOverride;
    private readonly IInputReader _reader;
    private readonly IProgress<BulkProgress>? _progress;
    private readonly CancellationToken _cancellation;
    private readonly int _threads;
    private int _variantsDone;
    private int _variantsStarted;
    private int _variantsTotal;
    private long _bytesDone;
    private long _bytesTotal;

    public BulkEngine(BulkOptions options, Func<PreparedVariant, IMergeSink>? sinkOverride, IInputReader reader, IProgress<BulkProgress>? progress, CancellationToken cancellation)
    {
        _options = options;
        _sinkOverride = sinkOverride;
        _reader = reader;
        _progress = progress;
        _cancellation = cancellation;
        _threads = Math.Max(1, options.Threads);
    }

    /// <summary>The windows' reads outside any window in the last run (0 unless the engine has a bug); for tests.</summary>
    public long WindowMisses { get; private set; }

    /// <exception cref="InputChangedException">An input changed while the run read it.</exception>
    public BulkResult Run(IReadOnlyList<BulkVariant> variants)
    {
        try
        {
            return RunCore(variants);
        }
        catch (Exception e) when (ChangedInput(e) is { } changed)
        {
            throw new InputChangedException(changed, "the bulk run stopped: outputs of finished waves were kept, the others not written (run again with --resume when the file is stable)");
        }
    }

    /// <summary>Whether <paramref name="e"/> is the variant's own problem (it fails alone) rather than the run's.</summary>
    internal static bool IsVariantFailure(Exception e) =>
        (e is MergingException or SafeTensorsFormatException or IOException or UnauthorizedAccessException) && ChangedInput(e) is null;

    /// <summary>
    /// The read of an input that found it changed, wherever it surfaced: a window read, a worker, a hash or the check
    /// before the outputs are completed. Every variant reading that file would fail with it, so it ends the run.
    /// </summary>
    private static FileChangedException? ChangedInput(Exception e) => e switch
    {
        FileChangedException changed => changed,
        InputChangedException { InnerException: FileChangedException changed } => changed,
        AggregateException aggregate => aggregate.Flatten().InnerExceptions.Select(ChangedInput).FirstOrDefault(c => c is not null),
        _ => null,
    };

    private BulkResult RunCore(IReadOnlyList<BulkVariant> variants)
    {
        var clock = Stopwatch.StartNew();
        var results = new BulkVariantResult?[variants.Count];
        _variantsTotal = variants.Count;
        using var files = new InputFiles(_options.ReadMode);
        var preparer = new VariantPreparer(files, _options, _reader, _cancellation);
        var memory = new BulkMemory(_options.MaxMemory, _threads, _sinkOverride is not null);
        var ready = new Queue<(int Position, PreparedVariant Variant)>();
        int next = 0, waves = 0;
        int maxWave = _sinkOverride is null && _options.Sink == BulkSinkKind.Files ? BulkMemory.MaxOpenOutputs : int.MaxValue;
        while (next < variants.Count || ready.Count > 0)
        {
            var wave = new List<PreparedVariant>();
            var positions = new List<int>();
            memory.Reset();
            while (wave.Count < maxWave)
            {
                if (ready.Count == 0)
                {
                    next = PrepareBatch(variants, next, preparer, ready, results);
                    if (ready.Count == 0 && next >= variants.Count)
                    {
                        break;
                    }

                    if (ready.Count == 0)
                    {
                        continue;
                    }
                }

                if (!memory.TryAdd(ready.Peek().Variant, wave.Count == 0))
                {
                    break;
                }

                (int position, PreparedVariant v) = ready.Dequeue();
                wave.Add(v);
                positions.Add(position);
            }

            if (wave.Count == 0)
            {
                continue;
            }

            waves++;
            RunWave(wave, memory);
            for (int i = 0; i < wave.Count; i++)
            {
                PreparedVariant v = wave[i];
                results[positions[i]] = v.Error is null
                    ? new BulkVariantResult(v.Variant, BulkVariantStatus.Done, v.Sha256, null, waves) { Warnings = v.Warnings }
                    : new BulkVariantResult(v.Variant, BulkVariantStatus.Failed, null, $"{v.Variant.Label}: {v.Error}", waves);
            }

            Report(wave.Count);
        }

        return new BulkResult
        {
            Variants = [.. results.Select(r => r!)],
            Waves = waves,
            BytesProduced = Interlocked.Read(ref _bytesDone),
            Elapsed = clock.Elapsed,
        };
    }

    /// <summary>Prepares up to one variant per thread, in parallel; failed and skipped ones are recorded at once.</summary>
    private int PrepareBatch(IReadOnlyList<BulkVariant> variants, int next, VariantPreparer preparer, Queue<(int, PreparedVariant)> ready, BulkVariantResult?[] results)
    {
        int count = Math.Min(_threads, variants.Count - next);
        var prepared = new PreparedVariant?[count];
        RunParallel(count, _threads, i =>
        {
            BulkVariant variant = variants[next + i];
            try
            {
                prepared[i] = preparer.Prepare(variant, out bool skipped);
                if (skipped)
                {
                    string? sha = _options.HashOutputs ? Hashing.HashCache.Default.Get(variant.OutputPath, _cancellation).Sha256 : null;
                    results[next + i] = new BulkVariantResult(variant, BulkVariantStatus.Skipped, sha);
                }
            }
            catch (Exception e) when (IsVariantFailure(e))
            {
                results[next + i] = new BulkVariantResult(variant, BulkVariantStatus.Failed, null, $"{variant.Label}: {OneLine(e.Message)}");
            }
        });

        int finished = 0;
        for (int i = 0; i < count; i++)
        {
            if (prepared[i] is { } v)
            {
                ready.Enqueue((next + i, v));
            }
            else
            {
                finished++;
            }
        }

        Interlocked.Add(ref _variantsStarted, finished);
        Report(finished);
        return next + count;
    }

    private void RunWave(List<PreparedVariant> wave, BulkMemory memory)
    {
        using var windows = new InputWindows(_reader);
        try
        {
            foreach (PreparedVariant v in wave)
            {
                OpenSink(v, windows);
            }

            Interlocked.Add(ref _bytesTotal, wave.Where(v => v.Error is null).Sum(v => v.OutputBytes));
            Interlocked.Add(ref _variantsStarted, wave.Count);
            var scratch = new ConcurrentBag<WorkScratch>();
            foreach (List<BulkWorkItem> batch in Batches(BulkWorkItems.Build(wave), memory.BatchWindowBytes))
            {
                _cancellation.ThrowIfCancellationRequested();
                windows.Fill([.. batch.SelectMany(item => item.Windows)], _threads, _cancellation);
                int concurrency = memory.Concurrency(windows.Bytes, batch.Max(item => item.WorkBytes));
                int workers = Math.Min(concurrency, wave.Count);
                RunParallel(workers, workers, worker => RunBatch(wave, worker, workers, batch, scratch));
                windows.Release();
            }

            _cancellation.ThrowIfCancellationRequested();

            // Bytes read before a rewrite and after it must never land in one output, nor a hash of other bytes.
            foreach (PreparedVariant v in wave.Where(v => v.Error is null))
            {
                v.Sources.EnsureUnchanged();
            }

            foreach (PreparedVariant v in wave.Where(v => v.Error is null))
            {
                try
                {
                    v.Sink!.Complete();
                    v.Sha256 = v.Hasher?.Sha256;
                }
                catch (Exception e) when (IsVariantFailure(e))
                {
                    v.Error = OneLine(e.Message);
                }
            }
        }
        finally
        {
            WindowMisses += windows.Misses;
            foreach (PreparedVariant v in wave)
            {
                v.Sink?.Dispose();
                v.Sink = null;
                v.Operations = null;
            }
        }
    }

    private void OpenSink(PreparedVariant v, InputWindows windows)
    {
        try
        {
            IMergeSink? inner = _sinkOverride is not null ? _sinkOverride(v) : _options.Sink switch
            {
                BulkSinkKind.Files => FileMergeSink.Create(v.Plan, Path.GetFullPath(v.Variant.OutputPath), _options.Overwrite, _options.FlushToDisk),
                BulkSinkKind.Hash => null,
                _ => new NullMergeSink(),
            };
            bool hash = _sinkOverride is null && (_options.Sink == BulkSinkKind.Hash || (_options.Sink == BulkSinkKind.Files && _options.HashOutputs));
            v.Hasher = hash ? new HashingMergeSink(v.Layout, inner) : null;
            v.Sink = (IMergeSink?)v.Hasher ?? inner!;
            v.Operations = new TensorOperations(v.Plan, v.Sources with { Reader = windows }, v.Sink, v.Whole, null);
        }
        catch (Exception e) when (IsVariantFailure(e))
        {
            v.Error = OneLine(e.Message);
        }
    }

    /// <summary>
    /// One worker's share of a batch: its variants (every <paramref name="workers"/>-th of the wave), item by item.
    /// Each variant's bytes still come in file order (one worker owns it), and an item's inputs are computed into
    /// all of the worker's variants while they are in cache: variant by variant over a whole batch would stream
    /// the batch's inputs from memory once per variant.
    /// </summary>
    private void RunBatch(List<PreparedVariant> wave, int worker, int workers, List<BulkWorkItem> batch, ConcurrentBag<WorkScratch> pool)
    {
        var mine = new List<int>();
        for (int slot = worker; slot < wave.Count; slot += workers)
        {
            if (wave[slot].Error is null)
            {
                mine.Add(slot);
            }
        }

        if (mine.Count == 0)
        {
            return;
        }

        WorkScratch scratch = pool.TryTake(out WorkScratch? free) ? free : new WorkScratch(inputBuffers: false);
        try
        {
            foreach (BulkWorkItem item in batch)
            {
                _cancellation.ThrowIfCancellationRequested();
                long bytes = 0;
                foreach (int slot in mine)
                {
                    PreparedVariant v = wave[slot];
                    if (v.Error is not null || item.ByVariant[slot] is not { } t)
                    {
                        continue;
                    }

                    try
                    {
                        bytes += Execute(v, t, item, scratch);
                    }
                    catch (Exception e) when (IsVariantFailure(e))
                    {
                        v.Error = OneLine(e.Message);
                    }
                }

                Interlocked.Add(ref _bytesDone, bytes);
            }
        }
        finally
        {
            pool.Add(scratch);
        }

        Report(0);
    }

    private static long Execute(PreparedVariant v, PlannedTensor t, BulkWorkItem item, WorkScratch scratch)
    {
        TensorOperations operations = v.Operations!;
        long elements = BulkWorkItems.Elements(t.Shape);
        if (item.Count > 0)
        {
            return item.Start < elements ? operations.Execute(t, item.Start, (int)Math.Min(WorkScratch.ChunkElements, elements - item.Start), scratch) : 0;
        }

        if (t.Action != TensorAction.Merge || !TensorOperations.IsChunkable(t, v.Plan.Recipe.CalcMode, copies: false))
        {
            return operations.Execute(t, 0, 0, scratch);
        }

        // A chunkable merge in a whole-key item (another variant needs the whole key): its chunks, from the whole window.
        long bytes = 0;
        for (long start = 0; start < elements; start += WorkScratch.ChunkElements)
        {
            bytes += operations.Execute(t, start, (int)Math.Min(WorkScratch.ChunkElements, elements - start), scratch);
        }

        return bytes;
    }

    /// <summary>Consecutive items whose windows fit <paramref name="windowBytes"/> together (at least one item each).</summary>
    private static IEnumerable<List<BulkWorkItem>> Batches(List<BulkWorkItem> items, long windowBytes)
    {
        var batch = new List<BulkWorkItem>();
        long bytes = 0;
        foreach (BulkWorkItem item in items)
        {
            if (batch.Count > 0 && bytes + item.WindowBytes > windowBytes)
            {
                yield return batch;
                batch = [];
                bytes = 0;
            }

            batch.Add(item);
            bytes += item.WindowBytes;
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    private void RunParallel(int count, int degree, Action<int> body)
    {
        try
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, degree), CancellationToken = _cancellation }, body);
        }
        catch (AggregateException aggregate) when (aggregate.InnerExceptions.Count == 1)
        {
            ExceptionDispatchInfo.Capture(aggregate.InnerExceptions[0]).Throw();
        }
    }

    private void Report(int variantsFinished)
    {
        int done = Interlocked.Add(ref _variantsDone, variantsFinished);
        _progress?.Report(new BulkProgress(done, _variantsTotal, Interlocked.Read(ref _bytesDone), Interlocked.Read(ref _bytesTotal), Volatile.Read(ref _variantsStarted)));
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
