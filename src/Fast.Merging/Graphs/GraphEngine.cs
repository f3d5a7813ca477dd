using System.Collections.Concurrent;
using Fast.Kernels;
using Fast.Merging.PositionIds;
using Fast.SafeTensors;

namespace Fast.Merging.Graphs;

/// <summary>
/// Streams a <see cref="GraphPlan"/> into a safetensors writer, tensor by tensor, each tensor in pieces of a bounded
/// number of elements (<see cref="GraphTensorEvaluation"/>): inputs are read and widened to f32 piece by piece, the
/// merges run in dependency order (reductions in streaming passes first), and each piece of the output is narrowed to
/// the output dtype and written. Intermediates never reach the disk, and memory is each worker's
/// <see cref="GraphWorkspace"/> whatever the largest tensor (the piece size is chosen from
/// <see cref="WorkingSetBytes"/>, the threads and the graph's buffer count). Work goes out in the file's data order;
/// every tensor's bytes are independent of the thread count, the piece size and the read mode.
/// </summary>
internal static class GraphEngine
{
    /// <summary>What all workers' piece buffers may take together.</summary>
    internal const long WorkingSetBytes = 192L << 20;

    /// <summary>The smallest piece (smaller ones would only multiply the per-piece overhead).</summary>
    internal const int MinPieceElements = 1 << 16;

    /// <summary>The largest piece: past it, more memory buys nothing but fewer re-reads of split tensors.</summary>
    internal const int MaxPieceElements = 1 << 24;

    public static void Run(GraphPlan plan, IReadOnlyDictionary<string, SafeTensorsFile> files, SafeTensorsWriter writer, int threads, int? pieceElements, IProgress<Execution.MergeProgress>? progress, CancellationToken cancellation, Methods.IMethodAccelerator? device = null)
    {
        var byName = plan.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var merges = plan.Order.ToDictionary(m => m.Name, StringComparer.Ordinal);
        List<GraphTensor> work = [.. writer.Layout.Select(t => byName[t.Name])];
        SafeTensorsFile primary = files[plan.Primary];
        long total = writer.Layout.Count == 0 ? 0 : writer.Layout[^1].DataEnd;
        long doneBytes = 0;
        int doneTensors = 0;
        int workers = Math.Max(1, threads);
        int piece = pieceElements ?? PieceElements(plan, workers);
        var workspaces = new ConcurrentBag<GraphWorkspace>();
        try
        {
            Parallel.ForEach(
                Partitioner.Create(work, EnumerablePartitionerOptions.NoBuffering),
                new ParallelOptions { CancellationToken = cancellation, MaxDegreeOfParallelism = workers },
                t =>
                {
                    cancellation.ThrowIfCancellationRequested();
                    if (!workspaces.TryTake(out GraphWorkspace? workspace))
                    {
                        workspace = new GraphWorkspace(piece);
                    }

                    try
                    {
                        switch (t.Action)
                        {
                            case GraphTensorAction.ResetPositionIds:
                                writer.Write(t.Name, 0, PositionIdsReset.CreateBytes((int)t.Shape[1]));
                                break;
                            case GraphTensorAction.CopyPrimary:
                                Copy(primary, primary[t.Name], t, writer, workspace);
                                break;
                            default:
                                new GraphTensorEvaluation(plan, files, merges, t, workspace, device).Run(writer, cancellation);
                                break;
                        }
                    }
                    finally
                    {
                        workspaces.Add(workspace);
                    }

                    long bytes = writer[t.Name].ByteLength;
                    progress?.Report(new Execution.MergeProgress(Interlocked.Add(ref doneBytes, bytes), total, Interlocked.Increment(ref doneTensors), work.Count));
                });
        }
        catch (AggregateException aggregate) when (aggregate.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(aggregate.InnerExceptions[0]).Throw();
        }

        cancellation.ThrowIfCancellationRequested();
        foreach (SafeTensorsFile file in files.Values)
        {
            file.EnsureUnchanged();
        }
    }

    /// <summary>
    /// The piece size: <see cref="WorkingSetBytes"/> over the workers and over the bytes a piece element costs a
    /// worker (an f32 per input and per node, the widest node's scratch, and the stored and narrowed bytes), a
    /// multiple of 4096 elements (so reductions' four lanes and every SIMD width line up) between
    /// <see cref="MinPieceElements"/> and <see cref="MaxPieceElements"/>.
    /// </summary>
    internal static int PieceElements(GraphPlan plan, int workers)
    {
        int scratch = plan.Order.Count == 0 ? 0 : plan.Order.Max(m => m.Models.Count + 1);
        long bytesPerElement = (4L * (plan.Recipe.Inputs.Count + plan.Order.Count + scratch)) + 8 + 8;
        long elements = WorkingSetBytes / workers / bytesPerElement;
        return (int)(Math.Clamp(elements, MinPieceElements, MaxPieceElements) & ~4095L);
    }

    private static void Copy(SafeTensorsFile file, TensorInfo source, GraphTensor t, SafeTensorsWriter writer, GraphWorkspace workspace)
    {
        ElementType sourceType = ElementTypes.TryGet(source.DType, out ElementType st) ? st : default;
        bool convert = source.DType != t.OutputDType;
        int sourceSize = convert ? ElementTypeInfo.SizeOf(sourceType) : 1;
        int outputSize = convert ? ElementTypeInfo.SizeOf(ElementTypes.Of(t.OutputDType)) : 1;

        // In pieces of at most a workspace's f32 piece in bytes: a large copied tensor takes no more memory than a merged one.
        long units = source.ByteLength / sourceSize;
        long perPiece = Math.Max(1, 4L * workspace.PieceElements / Math.Max(sourceSize, outputSize));
        long start = 0;
        do
        {
            int count = (int)Math.Min(perPiece, units - start);
            Span<byte> bytes = workspace.Stored(count * sourceSize);
            file.CopyTo(source, start * sourceSize, bytes);
            if (!convert)
            {
                writer.Write(t.Name, start, bytes);
            }
            else
            {
                Span<byte> converted = workspace.Narrowed(count * outputSize);
                ElementConvert.Convert(bytes, sourceType, converted, ElementTypes.Of(t.OutputDType));
                writer.Write(t.Name, start * outputSize, converted);
            }

            start += count;
        }
        while (start < units);
    }
}
