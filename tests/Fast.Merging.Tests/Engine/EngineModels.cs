using Fast.Merging.Architectures;
using Fast.Merging.Synthesis;

namespace Fast.Merging.Tests.Engine;

/// <summary>Tiny synthetic checkpoints (scale 64) written once per test class into a temporary folder.</summary>
public sealed class EngineModels : IDisposable
{
    private readonly TempDir _dir = new("fastmerge-engine-tests-");

    public EngineModels()
    {
        A = Write("a", ArchitectureId.Sd1, SyntheticDTypes.F16, 1);
        B = Write("b", ArchitectureId.Sd1, SyntheticDTypes.BF16, 2);
        C = Write("c", ArchitectureId.Sd1, SyntheticDTypes.F16, 3);
        Inpainting = Write("inpaint", ArchitectureId.Sd1Inpainting, SyntheticDTypes.F16, 4);
        Sdxl = Write("sdxl", ArchitectureId.Sdxl, SyntheticDTypes.F16, 5);
    }

    public string Directory => _dir.Path;

    public string A { get; }

    public string B { get; }

    public string C { get; }

    public string Inpainting { get; }

    public string Sdxl { get; }

    public string Output(string name) => _dir.File(name + ".safetensors");

    public void Dispose() => _dir.Dispose();

    private string Write(string name, ArchitectureId architecture, string dtype, ulong seed) =>
        SyntheticCheckpoint.Write(Output(name), architecture, dtype, seed);
}
