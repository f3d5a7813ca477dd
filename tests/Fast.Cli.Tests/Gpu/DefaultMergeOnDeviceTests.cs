using Fast.Kernels.Gpu;
using Fast.Merging;
using Fast.Merging.Api;
using Fast.Merging.Architectures;
using Fast.Merging.Gpu;
using Fast.Merging.Hashing;
using Fast.Merging.Methods;
using Fast.Merging.Recipes;
using Fast.Merging.Synthesis;

namespace Fast.Cli.Tests.Gpu;

/// <summary>
/// The default merge (fsync, inputs hashed while read, output hashed while written, header patched before the
/// rename) on the device path, here ILGPU's CPU accelerator: the same file as the SIMD path, on a cold hash cache (fresh
/// inputs) and a warm one, and the recorded hashes are the files' sha256.
/// </summary>
public sealed class DefaultMergeOnDeviceTests : IDisposable
{
    private static readonly Lazy<GpuMergeBackend> s_backend = new(() =>
        GpuMergeBackend.TryCreate(GpuPreference.CpuAcceleratorForTesting, out GpuMergeBackend? backend, out string reason) ? backend! : throw new InvalidOperationException(reason));

    private readonly TempDir _dir = new();

    [Fact]
    public void The_default_merge_on_the_device_writes_the_simd_file_cold_and_warm()
    {
        string a = SyntheticCheckpoint.Write(_dir.File("a.safetensors"), ArchitectureId.Sd1, SyntheticDTypes.F16, 11, scale: 16);
        string b = SyntheticCheckpoint.Write(_dir.File("b.safetensors"), ArchitectureId.Sd1, SyntheticDTypes.F16, 12, scale: 16);

        // Only the UNet's middle block is merged (the CPU accelerator is slow per launch); the rest is copied from A.
        var recipe = new MergeRecipe { A = new MergeInput(a), B = new MergeInput(b), Mode = MergeMode.WeightSum, Alpha = 0.3, Include = ["M00"] };
        var onDevice = new MergeOptions { Device = MergeDevice.Gpu, Accelerator = new SharedBackend(), Threads = 2 };
        MergeResult cold = FastMerger.Merge(recipe, _dir.File("gpu-cold.safetensors"), onDevice);
        MergeResult warm = FastMerger.Merge(recipe, _dir.File("gpu-warm.safetensors"), onDevice);
        FastMerger.Merge(recipe, _dir.File("cpu.safetensors"), new MergeOptions { Device = MergeDevice.Cpu, Threads = 2 });

        Assert.NotEqual("cpu", cold.Device);
        byte[] simd = File.ReadAllBytes(_dir.File("cpu.safetensors"));
        Assert.Equal(simd, File.ReadAllBytes(_dir.File("gpu-cold.safetensors")));
        Assert.Equal(simd, File.ReadAllBytes(_dir.File("gpu-warm.safetensors")));
        Assert.Equal(FileHasher.Compute(_dir.File("gpu-cold.safetensors")), cold.OutputHashes);
        Assert.Equal(cold.OutputHashes, warm.OutputHashes);
        Assert.Equal([FileHasher.Compute(a), FileHasher.Compute(b)], cold.InputHashes);
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
}
