using System.Buffers.Binary;
using Fast.Kernels;
using Fast.SafeTensors;

namespace Fast.Merging.Doctor;

/// <summary>
/// Streams planned copies into a new safetensors file: chunks in parallel, each read straight from its source and
/// converted through binary32 when the dtype changes; the writer's temporary file is renamed into place only when
/// complete. Memory is bounded by the chunk size times the thread count.
/// </summary>
internal static class CopyWriter
{
    private const int ChunkElements = 1 << 20;

    /// <returns>The number of NaN/Inf elements replaced (copies with <see cref="PlannedCopy.RepairNonFinite"/>).</returns>
    public static long Write(
        IReadOnlyList<PlannedCopy> plan, string outputPath, IEnumerable<KeyValuePair<string, string>> metadata, bool overwrite, CancellationToken cancellation)
    {
        var specs = plan.Select(p => new TensorSpec(p.Name, p.DType, p.Shape)).ToList();
        using SafeTensorsWriter writer = SafeTensorsWriter.Create(outputPath, specs, metadata, overwrite);
        var work = new List<(PlannedCopy Copy, TensorInfo Target, long Start, long Count)>();
        var copies = new List<(PlannedCopy Copy, TensorInfo Target)>();
        foreach (PlannedCopy p in plan)
        {
            TensorInfo target = writer[p.Name];
            if (p.SourceTensor is not null && !p.IsConversion && !p.RepairNonFinite)
            {
                copies.Add((p, target)); // unchanged bytes: copied file to file inside the kernel
            }
            else if (p.SourceTensor is null || !DTypeInfo.IsFloating(p.DType) || !p.IsConversion)
            {
                // Byte copies are chunked in bytes; a sub-byte dtype never needs element arithmetic.
                long step = (long)ChunkElements * 4;
                for (long start = 0; start < target.ByteLength; start += step)
                {
                    work.Add((p, target, start, Math.Min(step, target.ByteLength - start)));
                }
            }
            else
            {
                for (long start = 0; start < target.ElementCount; start += ChunkElements)
                {
                    work.Add((p, target, start, Math.Min(ChunkElements, target.ElementCount - start)));
                }
            }
        }

        long repaired = 0;

        // Parallel.ForEach runs the local init again each time it recycles a thread's task (every few hundred
        // milliseconds): the 16 MB of buffers come from a pool, not a fresh allocation whose pages are zeroed each time.
        var pool = new System.Collections.Concurrent.ConcurrentBag<(byte[] In, byte[] Out)>();
        CopiesBesideCompute.Run(
            copies,
            c => writer.CopyFrom(c.Target, 0, c.Copy.Source!, c.Copy.SourceTensor!, 0, c.Target.ByteLength),
            stop => Parallel.ForEach(
                work,
                new ParallelOptions { CancellationToken = stop },
                () => pool.TryTake(out var reused) ? reused : (In: new byte[ChunkElements * 8], Out: new byte[ChunkElements * 8]),
                (item, _, buffers) =>
                {
                    long changed = Execute(item.Copy, item.Target, item.Start, (int)item.Count, buffers.In, buffers.Out, writer);
                    Interlocked.Add(ref repaired, changed);
                    return buffers;
                },
                pool.Add),
            cancellation);
        cancellation.ThrowIfCancellationRequested();
        writer.Commit();
        return repaired;
    }

    private static long Execute(PlannedCopy p, TensorInfo target, long start, int count, byte[] input, byte[] output, SafeTensorsWriter writer)
    {
        if (p.SourceTensor is null)
        {
            // Position ids [[0..n-1]]: element k of this chunk holds its own index. Byte chunks start at multiples of 8.
            Span<byte> ids = output.AsSpan(0, count);
            long first = start / sizeof(long);
            for (int k = 0; k < count / sizeof(long); k++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(ids[(k * sizeof(long))..], first + k);
            }

            writer.Write(target, start, ids);
            return 0;
        }

        if (!p.IsConversion)
        {
            Span<byte> bytes = input.AsSpan(0, count);
            p.Source!.CopyTo(p.SourceTensor, start, bytes);
            long changed = Repair(p, bytes);
            writer.Write(target, start, bytes);
            return changed;
        }

        ElementType from = ElementTypes.Of(p.SourceTensor.DType), to = ElementTypes.Of(p.DType);
        int inSize = ElementTypeInfo.SizeOf(from), outSize = ElementTypeInfo.SizeOf(to);
        Span<byte> source = input.AsSpan(0, count * inSize);
        Span<byte> converted = output.AsSpan(0, count * outSize);
        p.Source!.CopyTo(p.SourceTensor, start * inSize, source);
        ElementConvert.Convert(source, from, converted, to);
        long repaired = Repair(p, converted);
        writer.Write(target, start * outSize, converted);
        return repaired;
    }

    // After conversion, so values that overflow the narrower dtype are clamped too.
    private static long Repair(PlannedCopy p, Span<byte> bytes) => p.RepairNonFinite ? NonFiniteRepair.Apply(bytes, p.DType) : 0;
}
