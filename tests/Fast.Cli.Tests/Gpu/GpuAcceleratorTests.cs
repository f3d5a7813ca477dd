using Fast.Cli.Commands;
using Fast.Cli.Gpu;
using Fast.Kernels.Gpu;
using Fast.Merging.Api;
using Fast.Merging.Architectures;
using Fast.Merging.Recipes;
using Fast.Merging.Synthesis;

namespace Fast.Cli.Tests.Gpu;

/// <summary>
/// The device path (ILGPU kernels behind the library's accelerator seam) run on ILGPU's CPU accelerator gives the
/// same file bytes as the SIMD path: calcmode normal in every mode, trainDifference and smoothAdd.
/// </summary>
public sealed class GpuAcceleratorTests : IDisposable
{
    // One ILGPU context for the class: its kernels compile once, and the CPU accelerator is slow per launch, so only
    // the UNet's middle block is merged (the rest is copied from A, no device involved).
    private static readonly Lazy<GpuMergeBackend> s_backend = new(() =>
        GpuMergeBackend.TryCreate(GpuPreference.CpuAcceleratorForTesting, out GpuMergeBackend? backend, out string reason) ? backend! : throw new InvalidOperationException(reason));

    private readonly TempDir _dir = new();
    private readonly string _a, _b, _c;

    public GpuAcceleratorTests()
    {
        _a = Model("a", SyntheticDTypes.F16, 1);
        _b = Model("b", SyntheticDTypes.BF16, 2);
        _c = Model("c", SyntheticDTypes.F16, 3);
    }

    [Theory]
    [InlineData(MergeMode.WeightSum, CalcMode.Normal)]
    [InlineData(MergeMode.AddDifference, CalcMode.Normal)]
    [InlineData(MergeMode.TripleSum, CalcMode.Normal)]
    [InlineData(MergeMode.SumTwice, CalcMode.Normal)]
    [InlineData(MergeMode.ScaledSum, CalcMode.Normal)]
    [InlineData(MergeMode.AddDifference, CalcMode.TrainDifference)]
    [InlineData(MergeMode.AddDifference, CalcMode.SmoothAdd)]
    public void Device_path_is_byte_identical_to_simd(MergeMode mode, CalcMode calc)
    {
        var recipe = new MergeRecipe
        {
            Mode = mode,
            CalcMode = calc,
            Alpha = 0.35,
            Beta = 0.25,
            A = new MergeInput(_a),
            B = new MergeInput(_b),
            C = mode is MergeMode.AddDifference or MergeMode.TripleSum or MergeMode.SumTwice ? new MergeInput(_c) : null,
            Include = ["M00"],
        };
        var simd = new MergeOptions { Device = MergeDevice.Cpu, Threads = 2, HashInputs = false };
        var device = simd with { Device = MergeDevice.Gpu, Accelerator = new SharedBackend() };

        FastMerger.Merge(recipe, _dir.File("simd.safetensors"), simd);
        MergeResult result = FastMerger.Merge(recipe, _dir.File("device.safetensors"), device);

        Assert.NotEqual("cpu", result.Device);
        Assert.True(result.Plan.MergedCount > 10);
        Assert.Equal(File.ReadAllBytes(_dir.File("simd.safetensors")), File.ReadAllBytes(_dir.File("device.safetensors")));
    }

    [Fact]
    public void Auto_without_a_cuda_device_falls_back_to_simd()
    {
        var recipe = new MergeRecipe { Mode = MergeMode.AddDifference, CalcMode = CalcMode.SmoothAdd, A = new(_a), B = new(_b), C = new(_c) };
        var options = new MergeOptions { Device = MergeDevice.Auto, Accelerator = new GpuAcceleratorProvider(), HashInputs = false };
        if (GpuMergeBackend.TryCreate(GpuPreference.Cuda, out GpuMergeBackend? cuda, out _))
        {
            cuda!.Dispose();
            return; // a real GPU is present: auto uses it, which the identity test above covers by construction
        }

        Assert.Equal("cpu", FastMerger.Merge(recipe, _dir.File("auto.safetensors"), options).Device);
    }

    public void Dispose() => _dir.Dispose();

    private sealed class SharedBackend : IMergeAcceleratorProvider
    {
        public bool TryCreate(out IMergeAccelerator? accelerator, out string reason)
        {
            accelerator = new GpuMergeAccelerator(s_backend.Value, ownsBackend: false);
            reason = accelerator.Name;
            return true;
        }
    }

    private string Model(string name, string dtype, ulong seed)
    {
        string path = _dir.File(name + ".safetensors");
        var options = new SynthesisOptions { Architecture = ArchitectureId.Sd1, Scale = 64, DType = dtype, Seed = seed };
        CheckpointFileWriter.Write(CheckpointSynthesizer.Plan(options), path, overwrite: false, CancellationToken.None);
        return path;
    }
}
