using Fast.Merging.Execution;
using Fast.Merging.Planning;
using Fast.SafeTensors;

namespace Fast.Merging.Bulk;

/// <summary>
/// The memory model behind <see cref="BulkOptions.MaxMemory"/>. In flight are: each worker's output scratch; the input
/// windows of the current batch of work items (chunks up to <see cref="BatchWindowBytes"/>, or one key's whole
/// tensors); the working buffers of the whole-tensor operations running at once; and per variant of the wave its
/// plan, layout and sink (a whole output tensor for the callback sink). A wave takes variants while the total stays
/// under the bound; a single variant that alone exceeds it still runs (its own floor).
/// </summary>
internal sealed class BulkMemory(long budget, int threads, bool callbackSink)
{
    /// <summary>Bookkeeping of one file or hash sink (handles, hash state, written-range lists).</summary>
    public const long SinkBytes = 64 << 10;

    /// <summary>Output files open at once in a wave (files sink), below common open-file limits.</summary>
    public const int MaxOpenOutputs = 256;

    private readonly Dictionary<SafeTensorsFile, long> _wholeWindow = [];
    private long _resident;
    private long _work;

    /// <summary>The least input window bytes of a batch of chunk items.</summary>
    public const long MinBatchWindowBytes = 8L << 20;

    public long Budget { get; } = budget;

    /// <summary>The most input window bytes of a batch of chunk items.</summary>
    /// <remarks>
    /// The windows are read (pread) and then computed from while still warm in the caches: with 256 MiB batches the
    /// copy went to memory and back, and a bulk run took 2.4x the time of the mapped views the windows used to be;
    /// at 32 MiB it costs about what the mapping did (bench/RESULTS.md, "bulk readpath").
    /// </remarks>
    public const long MaxBatchWindowBytes = 32L << 20;

    /// <summary>Input window bytes a batch of chunk items may hold: an eighth of the budget, within 8–32 MiB.</summary>
    public long BatchWindowBytes { get; } = Math.Clamp(budget / 8, MinBatchWindowBytes, MaxBatchWindowBytes);

    /// <summary>The workers' fixed scratch.</summary>
    public long WorkerBytes { get; } = (long)threads * WorkScratch.ScratchBytes;

    /// <summary>What a run with <paramref name="threads"/> workers holds before any variant: scratch and the least batch window.</summary>
    public static long Floor(int threads) => ((long)threads * WorkScratch.ScratchBytes) + MinBatchWindowBytes;

    /// <summary>Plans, layouts and sinks of the wave's variants.</summary>
    public long ResidentBytes => _resident;

    /// <summary>Starts an empty wave.</summary>
    public void Reset()
    {
        _wholeWindow.Clear();
        _resident = 0;
        _work = 0;
    }

    /// <summary>Adds <paramref name="v"/> to the wave when it fits (or the wave is empty); false when it must wait for the next wave.</summary>
    public bool TryAdd(PreparedVariant v, bool waveEmpty)
    {
        long resident = Resident(v);
        long work = _work;
        var windows = new Dictionary<SafeTensorsFile, long>(_wholeWindow);
        foreach (PlannedTensor t in v.Plan.Tensors)
        {
            if (TensorOperations.IsChunkable(t, v.Plan.Recipe.CalcMode, copies: true))
            {
                continue;
            }

            work = Math.Max(work, BulkWorkItems.WorkBytes(t, v.Plan.Recipe.CalcMode));
            foreach (SafeTensorsFile file in BulkWorkItems.Reads(t, v.Sources))
            {
                long bytes = file[t.Name].ByteLength;
                windows[file] = Math.Max(windows.GetValueOrDefault(file), bytes);
            }
        }

        long windowPeak = Math.Max(BatchWindowBytes, windows.Values.Sum());
        long total = WorkerBytes + windowPeak + work + _resident + resident;
        if (!waveEmpty && total > Budget)
        {
            return false;
        }

        foreach ((SafeTensorsFile file, long bytes) in windows)
        {
            _wholeWindow[file] = bytes;
        }

        _resident += resident;
        _work = work;
        return true;
    }

    /// <summary>How many whole-tensor operations may run at once in a batch holding <paramref name="windowBytes"/> of inputs.</summary>
    public int Concurrency(long windowBytes, long workBytes)
    {
        if (workBytes <= 0)
        {
            return threads;
        }

        long free = Budget - WorkerBytes - windowBytes - _resident;
        return (int)Math.Clamp(free / workBytes, 1, threads);
    }

    private long Resident(PreparedVariant v)
    {
        long plan = (v.Plan.Tensors.Count * 256L) + v.Layout.Head.Length + v.Plan.Metadata.Sum(p => 2L * (p.Key.Length + p.Value.Length));
        long sink = callbackSink
            ? v.Plan.Tensors.Select(t => BulkWorkItems.Elements(t.Shape) * DTypeInfo.BitSize(t.OutputDType) / 8).DefaultIfEmpty().Max()
            : SinkBytes;
        return plan + sink;
    }
}
