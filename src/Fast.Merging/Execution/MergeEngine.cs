using System.Runtime.InteropServices;
using Fast.Kernels;
using Fast.Merging.Planning;
using Fast.Merging.PositionIds;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Merging.Execution;

/// <summary>
/// Streams a <see cref="MergePlan"/> through the kernels into a <see cref="SafeTensorsWriter"/>: work is cut into
/// chunks of at most <see cref="ChunkElements"/> elements, run on <c>threads</c> workers, each with its own
/// fixed scratch buffers, so memory in flight is bounded by threads × chunk size whatever the model size.
/// Element-wise kernels make the bytes independent of the chunking and thread count.
/// </summary>
public static class MergeEngine
{
    /// <summary>Elements per work item (4 MiB of f32 scratch per input).</summary>
    public const int ChunkElements = 1 << 20;

    private const int ScratchBytes = ChunkElements * 8;

    /// <summary>Runs the plan and commits the output file; on failure or cancellation nothing appears at the path.</summary>
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
        var specs = plan.Tensors.Select(t => new TensorSpec(t.Name, t.OutputDType, t.Shape)).ToList();
        using SafeTensorsWriter writer = SafeTensorsWriter.Create(outputPath, specs, plan.Metadata, overwrite);
        var work = new List<(PlannedTensor Tensor, long Start, int Count)>();
        foreach (PlannedTensor t in plan.Tensors)
        {
            long n = writer[t.Name].ElementCount;
            if (t.Action != TensorAction.Merge || t.MergedChannels is not null || n == 0)
            {
                work.Add((t, 0, (int)Math.Min(n, int.MaxValue)));
                continue;
            }

            for (long start = 0; start < n; start += ChunkElements)
            {
                work.Add((t, start, (int)Math.Min(ChunkElements, n - start)));
            }
        }

        long total = plan.Tensors.Sum(t => writer[t.Name].ByteLength);
        long done = 0;
        var context = new Context(plan.Recipe.Mode, a, b, c, writer);
        Parallel.ForEach(
            work,
            new ParallelOptions { CancellationToken = cancellation, MaxDegreeOfParallelism = Math.Max(1, threads) },
            () => new Scratch(),
            (item, _, scratch) =>
            {
                cancellation.ThrowIfCancellationRequested();
                long bytes = context.Execute(item.Tensor, item.Start, item.Count, scratch);
                long now = Interlocked.Add(ref done, bytes);
                progress?.Report(new MergeProgress(now, total, 0, plan.Tensors.Count));
                return scratch;
            },
            _ => { });
        cancellation.ThrowIfCancellationRequested();
        writer.Commit();
    }

    private sealed class Scratch
    {
        public byte[] A { get; } = new byte[ScratchBytes];

        public byte[] B { get; } = new byte[ScratchBytes];

        public byte[] C { get; } = new byte[ScratchBytes];

        public byte[] Output { get; } = new byte[ScratchBytes];
    }

    private sealed class Context(MergeMode mode, SafeTensorsFile a, SafeTensorsFile b, SafeTensorsFile? c, SafeTensorsWriter writer)
    {
        /// <summary>Does one work item and returns the output bytes it wrote.</summary>
        public long Execute(PlannedTensor t, long start, int count, Scratch scratch)
        {
            TensorInfo target = writer[t.Name];
            switch (t.Action)
            {
                case TensorAction.ResetPositionIds:
                    byte[] ids = PositionIdsReset.CreateBytes((int)t.Shape[1]);
                    writer.Write(target, 0, ids);
                    return ids.Length;
                case TensorAction.CopyA:
                    return CopyA(a[t.Name], target, scratch);
                case TensorAction.Merge when t.MergedChannels is null:
                    return MergeRange(t, target, a[t.Name], start, start, start, count, scratch);
                default:
                    return MergeLeadingChannels(t, target, scratch);
            }
        }

        private long CopyA(TensorInfo source, TensorInfo target, Scratch scratch)
        {
            bool convert = source.DType != target.DType;
            int sourceSize = convert ? DTypeInfo.BitSize(source.DType) / 8 : 1;
            int targetSize = convert ? DTypeInfo.BitSize(target.DType) / 8 : 1;
            long units = convert ? source.ElementCount : source.ByteLength;
            int step = convert ? ChunkElements : ScratchBytes;
            for (long i = 0; i < units; i += step)
            {
                int n = (int)Math.Min(step, units - i);
                ReadOnlySpan<byte> input = InputTensors.Read(a, source, i * sourceSize, n * sourceSize, scratch.A);
                if (!convert)
                {
                    writer.Write(target, i, input);
                    continue;
                }

                Span<byte> output = scratch.Output.AsSpan(0, n * targetSize);
                ElementConvert.Convert(input, ElementTypes.Of(source.DType), output, ElementTypes.Of(target.DType));
                writer.Write(target, i * targetSize, output);
            }

            return target.ByteLength;
        }

        /// <summary>Merges <paramref name="count"/> elements starting at the given element offsets of A/B/C and the output.</summary>
        private long MergeRange(PlannedTensor t, TensorInfo target, TensorInfo ta, long outStart, long aStart, long bcStart, int count, Scratch scratch)
        {
            TensorInfo tb = b[t.Name];
            ElementType typeA = ElementTypes.Of(ta.DType), typeB = ElementTypes.Of(tb.DType), typeOut = ElementTypes.Of(target.DType);
            int sizeA = ElementTypeInfo.SizeOf(typeA), sizeB = ElementTypeInfo.SizeOf(typeB), sizeOut = ElementTypeInfo.SizeOf(typeOut);
            ReadOnlySpan<byte> sa = InputTensors.Read(a, ta, aStart * sizeA, count * sizeA, scratch.A);
            ReadOnlySpan<byte> sb = InputTensors.Read(b, tb, bcStart * sizeB, count * sizeB, scratch.B);
            Span<byte> dst = scratch.Output.AsSpan(0, count * sizeOut);

            if (mode is MergeMode.WeightSum or MergeMode.ScaledSum)
            {
                if (mode == MergeMode.WeightSum)
                {
                    MergeKernels.Lerp(sa, typeA, sb, typeB, (float)t.Alpha, dst, typeOut);
                }
                else
                {
                    MergeKernels.ScaledSum(sa, typeA, sb, typeB, (float)t.Alpha, (float)t.Beta, dst, typeOut);
                }
            }
            else
            {
                TensorInfo tc = c![t.Name];
                ElementType typeC = ElementTypes.Of(tc.DType);
                int sizeC = ElementTypeInfo.SizeOf(typeC);
                ReadOnlySpan<byte> sc = InputTensors.Read(c, tc, bcStart * sizeC, count * sizeC, scratch.C);
                switch (mode)
                {
                    case MergeMode.AddDifference:
                        MergeKernels.AddDifference(sa, typeA, sb, typeB, sc, typeC, (float)t.Alpha, dst, typeOut);
                        break;
                    case MergeMode.TripleSum:
                        // SPEC §3: the triple-sum weights are computed in double from the decimal α and β.
                        MergeKernels.TripleSum(sa, typeA, sb, typeB, sc, typeC, t.Alpha, t.Beta, dst, typeOut);
                        break;
                    default:
                        MergeKernels.SumTwice(sa, typeA, sb, typeB, sc, typeC, (float)t.Alpha, (float)t.Beta, dst, typeOut);
                        break;
                }
            }

            writer.Write(target, outStart * sizeOut, dst);
            return dst.Length;
        }

        /// <summary>Inpainting/pix2pix A: per dim-0 row, merge the first channels with B/C and keep A's others.</summary>
        private long MergeLeadingChannels(PlannedTensor t, TensorInfo target, Scratch scratch)
        {
            TensorInfo ta = a[t.Name];
            long inner = 1;
            for (int i = 2; i < t.Shape.Count; i++)
            {
                inner *= t.Shape[i];
            }

            long rowA = t.Shape[1] * inner, rowMerged = t.MergedChannels!.Value * inner;
            ElementType typeA = ElementTypes.Of(ta.DType), typeOut = ElementTypes.Of(target.DType);
            int sizeA = ElementTypeInfo.SizeOf(typeA), sizeOut = ElementTypeInfo.SizeOf(typeOut);
            for (long row = 0; row < t.Shape[0]; row++)
            {
                MergeRange(t, target, ta, row * rowA, row * rowA, row * rowMerged, (int)rowMerged, scratch);
                int keep = (int)(rowA - rowMerged);
                ReadOnlySpan<byte> kept = InputTensors.Read(a, ta, ((row * rowA) + rowMerged) * sizeA, keep * sizeA, scratch.A);
                Span<byte> dst = scratch.Output.AsSpan(0, keep * sizeOut);
                ElementConvert.Convert(kept, typeA, dst, typeOut);
                writer.Write(target, ((row * rowA) + rowMerged) * sizeOut, dst);
            }

            return target.ByteLength;
        }
    }
}
