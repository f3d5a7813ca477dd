using System.Buffers;
using System.Collections.Concurrent;
using Fast.Kernels;
using Fast.Merging.Methods;
using Fast.Merging.PositionIds;
using Fast.SafeTensors;

namespace Fast.Merging.Graphs;

/// <summary>
/// Streams a <see cref="GraphPlan"/> into a safetensors writer, tensor by tensor: for a merged key each input it needs
/// is read and widened to f32 once, the merges run in dependency order on whole-tensor f32 buffers from the shared
/// pool, and the output's buffer is narrowed to the output dtype and written. Intermediates live only while their
/// tensor is being computed; nothing but the output reaches the disk. Work goes out in the file's data order; every
/// tensor's bytes are independent of the thread count and read mode.
/// </summary>
internal static class GraphEngine
{
    public static void Run(GraphPlan plan, IReadOnlyDictionary<string, SafeTensorsFile> files, SafeTensorsWriter writer, int threads, IProgress<Execution.MergeProgress>? progress, CancellationToken cancellation)
    {
        var byName = plan.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        List<GraphTensor> work = [.. writer.Layout.Select(t => byName[t.Name])];
        SafeTensorsFile primary = files[plan.Primary];
        long total = writer.Layout.Count == 0 ? 0 : writer.Layout[^1].DataEnd;
        long doneBytes = 0;
        int doneTensors = 0;
        try
        {
            Parallel.ForEach(
                Partitioner.Create(work, EnumerablePartitionerOptions.NoBuffering),
                new ParallelOptions { CancellationToken = cancellation, MaxDegreeOfParallelism = Math.Max(1, threads) },
                t =>
                {
                    cancellation.ThrowIfCancellationRequested();
                    switch (t.Action)
                    {
                        case GraphTensorAction.ResetPositionIds:
                            writer.Write(t.Name, 0, PositionIdsReset.CreateBytes((int)t.Shape[1]));
                            break;
                        case GraphTensorAction.CopyPrimary:
                            Copy(primary, primary[t.Name], t, writer);
                            break;
                        default:
                            Merge(plan, files, t, writer);
                            break;
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

    private static void Copy(SafeTensorsFile file, TensorInfo source, GraphTensor t, SafeTensorsWriter writer)
    {
        byte[] stored = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, source.ByteLength));
        try
        {
            Span<byte> bytes = stored.AsSpan(0, (int)source.ByteLength);
            file.CopyTo(source, 0, bytes);
            if (source.DType == t.OutputDType)
            {
                writer.Write(t.Name, 0, bytes);
                return;
            }

            byte[] converted = new byte[source.ElementCount * (DTypeInfo.BitSize(t.OutputDType) / 8)];
            ElementConvert.Convert(bytes, ElementTypes.Of(source.DType), converted, ElementTypes.Of(t.OutputDType));
            writer.Write(t.Name, 0, converted);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(stored);
        }
    }

    private static void Merge(GraphPlan plan, IReadOnlyDictionary<string, SafeTensorsFile> files, GraphTensor t, SafeTensorsWriter writer)
    {
        int count = checked((int)files[plan.Primary][t.Name].ElementCount);
        var values = new Dictionary<string, (float[] Data, ElementType Type)>(StringComparer.Ordinal);
        var rented = new List<float[]>();
        try
        {
            (float[] Data, ElementType Type) Value(string name)
            {
                if (values.TryGetValue(name, out var known))
                {
                    return known;
                }

                // An input, read and widened once per tensor whichever merges read it.
                SafeTensorsFile file = files[name];
                TensorInfo info = file[t.Name];
                byte[] stored = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, info.ByteLength));
                float[] widened = ArrayPool<float>.Shared.Rent(Math.Max(1, count));
                rented.Add(widened);
                try
                {
                    file.CopyTo(info, 0, stored.AsSpan(0, (int)info.ByteLength));
                    ElementType type = ElementTypes.Of(info.DType);
                    ElementConvert.Widen(stored.AsSpan(0, (int)info.ByteLength), type, widened.AsSpan(0, count));
                    return values[name] = (widened, type);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(stored);
                }
            }

            // An operand's buffer goes back to the pool after the last merge that reads it: what is alive at once is
            // the current merge's operands and results still to be read, not every input and intermediate.
            var lastUse = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < plan.Order.Count; i++)
            {
                foreach (string operand in GraphValidator.Operands(plan.Order[i]))
                {
                    lastUse[operand] = i;
                }
            }

            for (int i = 0; i < plan.Order.Count; i++)
            {
                GraphMerge merge = plan.Order[i];
                MergeMethodEntry method = MergeMethodCatalog.Find(merge.Method)!;
                (float[] Data, ElementType Type)? baseValue = merge.Base is null ? null : Value(merge.Base);
                var models = merge.Models.Select(Value).ToList();
                float[] result = ArrayPool<float>.Shared.Rent(Math.Max(1, count));
                rented.Add(result);
                using (var operands = new MethodOperands(
                    t.Name, count, baseValue?.Data, baseValue?.Type ?? ElementType.F32, [.. models.Select(m => m.Data)], [.. models.Select(m => m.Type)]))
                {
                    method.Cpu(operands, t.Parameters[merge.Name], result.AsSpan(0, count));
                }

                values[merge.Name] = (result, ElementType.F32);
                foreach (string operand in GraphValidator.Operands(merge).Distinct(StringComparer.Ordinal))
                {
                    if (lastUse[operand] == i && operand != plan.Recipe.Output && values.Remove(operand, out var done))
                    {
                        rented.Remove(done.Data);
                        ArrayPool<float>.Shared.Return(done.Data);
                    }
                }
            }

            float[] output = Value(plan.Recipe.Output).Data;
            ElementType outputType = ElementTypes.Of(t.OutputDType);
            byte[] narrowed = new byte[(long)count * ElementTypeInfo.SizeOf(outputType)];
            ElementConvert.Narrow(output.AsSpan(0, count), narrowed, outputType);
            writer.Write(t.Name, 0, narrowed);
        }
        finally
        {
            foreach (float[] array in rented)
            {
                ArrayPool<float>.Shared.Return(array);
            }
        }
    }
}
