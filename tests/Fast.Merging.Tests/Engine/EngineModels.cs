using System.Security.Cryptography;
using Fast.Merging.Architectures;
using Fast.Merging.Synthesis;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Engine;

/// <summary>Tiny synthetic checkpoints (scale 64) written once per test class into a temporary folder.</summary>
public sealed class EngineModels : IDisposable
{
    public EngineModels()
    {
        Directory = Path.Combine(Path.GetTempPath(), "fastmerge-engine-tests-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        System.IO.Directory.CreateDirectory(Directory);
        A = Write("a", ArchitectureId.Sd1, SyntheticDTypes.F16, 1);
        B = Write("b", ArchitectureId.Sd1, SyntheticDTypes.BF16, 2);
        C = Write("c", ArchitectureId.Sd1, SyntheticDTypes.F16, 3);
        Inpainting = Write("inpaint", ArchitectureId.Sd1Inpainting, SyntheticDTypes.F16, 4);
        Sdxl = Write("sdxl", ArchitectureId.Sdxl, SyntheticDTypes.F16, 5);
    }

    public string Directory { get; }

    public string A { get; }

    public string B { get; }

    public string C { get; }

    public string Inpainting { get; }

    public string Sdxl { get; }

    public string Output(string name) => Path.Combine(Directory, name + ".safetensors");

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private string Write(string name, ArchitectureId architecture, string dtype, ulong seed)
    {
        string path = Output(name);
        SynthesisPlan plan = CheckpointSynthesizer.Plan(new SynthesisOptions { Architecture = architecture, Scale = 64, DType = dtype, Seed = seed });
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
