using System.Collections.Concurrent;
using Fast.Kernels;
using Fast.Merging.Api;
using Fast.Merging.Execution.Calcmodes;
using Fast.Merging.Planning;
using Fast.Merging.PositionIds;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Merging.Execution;

/// <summary>
/// Streams a <see cref="MergePlan"/> through the kernels into a sink. Calcmode <c>normal</c> is cut into chunks of at
/// most <see cref="ChunkElements"/> elements with fixed scratch per worker; the whole-tensor calcmodes (cosine,
/// smoothAdd, extract, tensor, trainDifference) take one key per work item with pooled buffers, so memory in flight
/// is bounded by threads × the largest tensor whatever the model size. Work is handed out in plan order; every
/// operation's bytes are independent of the chunking, the thread count and the read mode.
/// </summary>
public static class MergeEngine
{
    /// <summary>
    /// Elements per calcmode-normal work item (1 MiB of scratch per input). Small enough that the output chunk is
    /// still in L2 when pwrite copies it into the page cache: 1M-element chunks cost ~0.6 s more kernel time on a
    /// 2 GB SD1.5 merge (the copy then streams from L3/DRAM).
    /// </summary>
    public const int ChunkElements = 1 << 17;

    private const int ScratchBytes = ChunkElements * 8;

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
        Run(plan, new MergeSources(a, b, c), () => FileMergeSink.Create(plan, outputPath, overwrite), new EngineOptions(threads), progress, cancellation);
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
        int threads = Math.Max(1, options.Threads);
        MergeRecipe recipe = plan.Recipe;
        CosineStatistics? cosine = recipe.CalcMode is CalcMode.CosineA or CalcMode.CosineB
            ? CosineStatistics.Compute(plan, sources, threads, cancellation)
            : null;
        IMergeAccelerator? wholeTensorDevice = recipe.CalcMode == CalcMode.SmoothAdd || options.AccelerateAll ? options.Accelerator : null;
        var whole = new WholeTensorMerge(recipe, cosine, wholeTensorDevice, threads);

        var work = new List<WorkItem>();
        var remaining = new long[plan.Tensors.Count];
        long total = 0;
        for (int i = 0; i < plan.Tensors.Count; i++)
        {
            PlannedTensor t = plan.Tensors[i];
            long n = ElementCount(t.Shape);
            remaining[i] = checked(n * DTypeInfo.BitSize(t.OutputDType) / 8);
            total += remaining[i];
            bool chunked = t.Action == TensorAction.Merge && recipe.CalcMode == CalcMode.Normal && t.MergedChannels is null && n > 0;
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

        using IMergeSink sink = createSink();
        var context = new Context(plan, sources, sink, whole, options.AccelerateAll ? options.Accelerator : null);
        long doneBytes = 0;
        int doneTensors = 0;
        try
        {
            Parallel.ForEach(
                Partitioner.Create(work, EnumerablePartitionerOptions.NoBuffering),
                new ParallelOptions { CancellationToken = cancellation, MaxDegreeOfParallelism = threads },
                () => new Scratch(),
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

    private sealed class Scratch
    {
        public byte[] A { get; } = new byte[ScratchBytes];

        public byte[] B { get; } = new byte[ScratchBytes];

        public byte[] C { get; } = new byte[ScratchBytes];

        public byte[] Output { get; } = new byte[ScratchBytes];
    }

    private sealed class Context(MergePlan plan, MergeSources sources, IMergeSink sink, WholeTensorMerge whole, IMergeAccelerator? elementwiseDevice)
    {
        private readonly SafeTensorsFile _a = sources.A;
        private readonly SafeTensorsFile _b = sources.B;
        private readonly SafeTensorsFile? _c = sources.C;
        private readonly MergeMode _mode = plan.Recipe.Mode;

        /// <summary>Does one work item and returns the output bytes it wrote.</summary>
        public long Execute(PlannedTensor t, long start, int count, Scratch scratch)
        {
            switch (t.Action)
            {
                case TensorAction.ResetPositionIds:
                    byte[] ids = PositionIdsReset.CreateBytes((int)t.Shape[1]);
                    sink.Write(t, 0, ids);
                    return ids.Length;
                case TensorAction.MergePositionIds:
                    return MergePositionIds(t);
                case TensorAction.CopyA:
                    return CopyA(t, _a[t.Name], scratch);
                case TensorAction.Merge when plan.Recipe.CalcMode != CalcMode.Normal:
                    return MergeWholeTensor(t);
                case TensorAction.Merge when t.MergedChannels is null:
                    return MergeRange(t, start, start, start, start, count, scratch);
                default:
                    return MergeLeadingChannels(t, scratch);
            }
        }

        private long MergePositionIds(PlannedTensor t)
        {
            float[] a = PositionIdsValues.Read(_a, _a[t.Name]);
            float[] b = PositionIdsValues.Read(_b, _b[t.Name]);
            float[]? c = _c is null ? null : PositionIdsValues.Read(_c, _c[t.Name]);
            PositionIdsValues.MergeNormal(t, _mode, a, b, c);
            byte[] stored = PositionIdsValues.Store(a, t.OutputDType);
            sink.Write(t, 0, stored);
            return stored.Length;
        }

        private long CopyA(PlannedTensor t, TensorInfo source, Scratch scratch)
        {
            bool convert = source.DType != t.OutputDType;
            int sourceSize = convert ? DTypeInfo.BitSize(source.DType) / 8 : 1;
            int targetSize = convert ? DTypeInfo.BitSize(t.OutputDType) / 8 : 1;
            long units = convert ? source.ElementCount : source.ByteLength;
            int step = convert ? ChunkElements : ScratchBytes;
            for (long i = 0; i < units; i += step)
            {
                int n = (int)Math.Min(step, units - i);
                ReadOnlySpan<byte> input = InputTensors.Read(_a, source, i * sourceSize, n * sourceSize, scratch.A);
                if (!convert)
                {
                    sink.Write(t, i, input);
                    continue;
                }

                Span<byte> output = scratch.Output.AsSpan(0, n * targetSize);
                ElementConvert.Convert(input, ElementTypes.Of(source.DType), output, ElementTypes.Of(t.OutputDType));
                sink.Write(t, i * targetSize, output);
            }

            return units * targetSize;
        }

        private long MergeWholeTensor(PlannedTensor t)
        {
            using var operands = new Operands(sources, t);
            ElementType typeOut = ElementTypes.Of(t.OutputDType);
            int sizeOut = ElementTypeInfo.SizeOf(typeOut);
            Span<byte> merged = operands.Rent<byte>(operands.Count * sizeOut);
            whole.Run(operands, merged, typeOut);
            if (t.MergedChannels is null)
            {
                sink.Write(t, 0, merged);
                return merged.Length;
            }

            // Inpainting/pix2pix A: per dim-0 row, the merged leading channels, then A's other channels converted.
            TensorInfo ta = _a[t.Name];
            long rows = t.Shape[0];
            long rowA = ta.ElementCount / rows, rowMerged = operands.Count / rows;
            int sizeA = DTypeInfo.BitSize(ta.DType) / 8;
            Span<byte> kept = operands.Rent<byte>((rowA - rowMerged) * sizeA);
            Span<byte> keptOut = operands.Rent<byte>((rowA - rowMerged) * sizeOut);
            for (long r = 0; r < rows; r++)
            {
                sink.Write(t, r * rowA * sizeOut, merged.Slice((int)(r * rowMerged * sizeOut), (int)(rowMerged * sizeOut)));
                _a.CopyTo(ta, ((r * rowA) + rowMerged) * sizeA, kept);
                ElementConvert.Convert(kept, ElementTypes.Of(ta.DType), keptOut, typeOut);
                sink.Write(t, ((r * rowA) + rowMerged) * sizeOut, keptOut);
            }

            return ta.ElementCount * sizeOut;
        }

        /// <summary>Merges <paramref name="count"/> elements starting at the given element offsets of the output, A, B and C.</summary>
        private long MergeRange(PlannedTensor t, long outStart, long aStart, long bStart, long cStart, int count, Scratch scratch)
        {
            TensorInfo ta = _a[t.Name], tb = _b[t.Name];
            ElementType typeA = ElementTypes.Of(ta.DType), typeB = ElementTypes.Of(tb.DType), typeOut = ElementTypes.Of(t.OutputDType);
            int sizeA = ElementTypeInfo.SizeOf(typeA), sizeB = ElementTypeInfo.SizeOf(typeB), sizeOut = ElementTypeInfo.SizeOf(typeOut);
            ReadOnlySpan<byte> sa = InputTensors.Read(_a, ta, aStart * sizeA, count * sizeA, scratch.A);
            ReadOnlySpan<byte> sb = InputTensors.Read(_b, tb, bStart * sizeB, count * sizeB, scratch.B);
            Span<byte> dst = scratch.Output.AsSpan(0, count * sizeOut);
            ReadOnlySpan<byte> sc = default;
            ElementType typeC = ElementType.F32;
            if (_mode is not (MergeMode.WeightSum or MergeMode.ScaledSum))
            {
                TensorInfo tc = _c![t.Name];
                typeC = ElementTypes.Of(tc.DType);
                int sizeC = ElementTypeInfo.SizeOf(typeC);
                sc = InputTensors.Read(_c, tc, cStart * sizeC, count * sizeC, scratch.C);
            }

            if (elementwiseDevice is not null)
            {
                elementwiseDevice.Merge(_mode, sa, typeA, sb, typeB, sc, typeC, t.Alpha, t.Beta, dst, typeOut);
            }
            else
            {
                ElementwiseMerge.Run(_mode, sa, typeA, sb, typeB, sc, typeC, t.Alpha, t.Beta, dst, typeOut);
            }

            sink.Write(t, outStart * sizeOut, dst);
            return dst.Length;
        }

        /// <summary>Inpainting/pix2pix A: per dim-0 row, merge the first channels with B/C and keep A's others.</summary>
        private long MergeLeadingChannels(PlannedTensor t, Scratch scratch)
        {
            TensorInfo ta = _a[t.Name];
            long rows = t.Shape[0];
            long rowA = ta.ElementCount / rows;
            long rowMerged = rowA / t.Shape[1] * t.MergedChannels!.Value;
            long RowOf(SafeTensorsFile? file) => file is not null && file[t.Name].Shape[1] == t.Shape[1] ? rowA : rowMerged;
            long rowB = RowOf(_b), rowC = RowOf(_c);
            ElementType typeA = ElementTypes.Of(ta.DType), typeOut = ElementTypes.Of(t.OutputDType);
            int sizeA = ElementTypeInfo.SizeOf(typeA), sizeOut = ElementTypeInfo.SizeOf(typeOut);
            int keep = (int)(rowA - rowMerged);
            for (long row = 0; row < rows; row++)
            {
                // A row is at most 9 channels of a conv kernel: far below the chunk size.
                MergeRange(t, row * rowA, row * rowA, row * rowB, row * rowC, (int)rowMerged, scratch);
                ReadOnlySpan<byte> kept = InputTensors.Read(_a, ta, ((row * rowA) + rowMerged) * sizeA, keep * sizeA, scratch.A);
                Span<byte> dst = scratch.Output.AsSpan(0, keep * sizeOut);
                ElementConvert.Convert(kept, typeA, dst, typeOut);
                sink.Write(t, ((row * rowA) + rowMerged) * sizeOut, dst);
            }

            return ta.ElementCount * sizeOut;
        }
    }
}
