using System.Runtime.InteropServices;
using Fast.Merging.PositionIds;
using Fast.SafeTensors;

namespace Fast.Cli.Commands;

/// <summary>
/// Rewrites a checkpoint with its CLIP position ids stored as drifted f32 values, as broken merges leave them
/// (ids 70..76 a little low: 76 becomes 75.9975, which the text encoder truncates to 75; ids 60..69 a little high,
/// harmless until the next merge), so the demo shows the check and the reset.
/// </summary>
internal static class DriftedPositionIds
{
    public static void Apply(string path)
    {
        string drifted = path + ".drifted";
        using (SafeTensorsFile source = SafeTensorsFile.Open(path))
        {
            var specs = source.Tensors.Select(t => PositionIdsKeys.IsPositionIds(t.Name) ? new TensorSpec(t.Name, DType.F32, t.Shape) : t.ToSpec()).ToList();
            using SafeTensorsWriter writer = SafeTensorsWriter.Create(drifted, specs, source.Metadata, overwrite: true);
            foreach (TensorInfo t in source.Tensors)
            {
                if (!PositionIdsKeys.IsPositionIds(t.Name))
                {
                    foreach (TensorChunk chunk in t.Chunks(4 << 20))
                    {
                        writer.Write(writer[t.Name], chunk.OffsetInTensor, source.GetSpan(t, chunk.OffsetInTensor, chunk.Length));
                    }

                    continue;
                }

                float[] values = new float[t.ElementCount];
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = i >= 70 ? i - 0.0025f : i >= 60 ? i + 0.0025f : i;
                }

                writer.Write(writer[t.Name], 0, MemoryMarshal.AsBytes(values.AsSpan()));
            }

            writer.Commit();
        }

        File.Move(drifted, path, overwrite: true);
    }
}
