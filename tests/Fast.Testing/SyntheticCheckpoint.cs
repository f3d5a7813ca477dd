using Fast.Merging.Architectures;
using Fast.Merging.Synthesis;
using Fast.SafeTensors;

namespace Fast.Testing;

/// <summary>Writes a synthetic checkpoint (real key names and shapes, scaled down) as the library synthesises it.</summary>
public static class SyntheticCheckpoint
{
    /// <summary>Writes the model at <paramref name="path"/> and returns the path.</summary>
    /// <param name="path">The output file.</param>
    /// <param name="architecture">Which model's keys.</param>
    /// <param name="dtype">A <see cref="SyntheticDTypes"/> name.</param>
    /// <param name="seed">The values' seed.</param>
    /// <param name="scale">The shape divisor (64: a few hundred KiB for SD1).</param>
    public static string Write(string path, ArchitectureId architecture, string dtype, ulong seed, int scale = 64)
    {
        SynthesisPlan plan = CheckpointSynthesizer.Plan(new SynthesisOptions { Architecture = architecture, Scale = scale, DType = dtype, Seed = seed });
        var specs = plan.Tensors.Select(t => new TensorSpec(t.Name, DTypeInfo.TryParse(t.DType, out DType d) ? d : throw new InvalidOperationException(t.DType), t.Shape)).ToList();
        using (SafeTensorsWriter writer = SafeTensorsWriter.Create(path, specs, [new("format", "pt")]))
        {
            foreach (SynthesizedTensor t in plan.Tensors)
            {
                byte[] bytes = new byte[t.ByteSize];
                plan.Fill(t, 0, bytes);
                writer.Write(t.Name, 0, bytes);
            }

            writer.Commit();
        }

        return path;
    }
}
