using Fast.Merging.Synthesis;
using Fast.SafeTensors;

namespace Fast.Cli.Commands;

/// <summary>Streams a synthesis plan into a safetensors file, chunks in parallel, memory bounded by the chunk size.</summary>
internal static class CheckpointFileWriter
{
    private const int ChunkBytes = 4 << 20;

    public static void Write(SynthesisPlan plan, string path, bool overwrite, CancellationToken cancellation)
    {
        var specs = plan.Tensors.Select(t => new TensorSpec(t.Name, ParseDType(t.DType), t.Shape)).ToList();
        using SafeTensorsWriter writer = SafeTensorsWriter.Create(path, specs, metadata: [new("format", "pt")], overwrite);
        var work = new List<(SynthesizedTensor Tensor, TensorInfo Target, TensorChunk Chunk)>();
        foreach (SynthesizedTensor t in plan.Tensors)
        {
            TensorInfo target = writer[t.Name];
            foreach (TensorChunk chunk in target.Chunks(ChunkBytes))
            {
                work.Add((t, target, chunk));
            }
        }

        Parallel.ForEach(
            work,
            new ParallelOptions { CancellationToken = cancellation },
            () => new byte[ChunkBytes],
            (item, _, buffer) =>
            {
                Span<byte> span = buffer.AsSpan(0, item.Chunk.Length);
                plan.Fill(item.Tensor, item.Chunk.OffsetInTensor / item.Tensor.ElementSize, span);
                writer.Write(item.Target, item.Chunk.OffsetInTensor, span);
                return buffer;
            },
            _ => { });
        writer.Commit();
    }

    private static DType ParseDType(string name) =>
        DTypeInfo.TryParse(name, out DType dtype) ? dtype : throw new InvalidOperationException($"synthesizer produced unknown dtype {name}");
}
