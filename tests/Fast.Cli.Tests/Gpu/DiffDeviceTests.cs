using Fast.Kernels.Gpu;
using Fast.Merging.Api;
using Fast.Merging.Architectures;
using Fast.Merging.Diff;
using Fast.Merging.Gpu;

namespace Fast.Cli.Tests.Gpu;

/// <summary>
/// <c>diff --device gpu</c>'s path (the device seam, ILGPU kernels) run on ILGPU's CPU accelerator: the report is the
/// SIMD path's to the bit, for mixed stored dtypes and one-block chunks.
/// </summary>
public sealed class DiffDeviceTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void Device_report_is_bit_identical_to_the_simd_report()
    {
        string a = SyntheticCheckpoint.Write(_dir.File("a.safetensors"), ArchitectureId.Sd1, "fp16", 1);
        string b = SyntheticCheckpoint.Write(_dir.File("b.safetensors"), ArchitectureId.Sd1, "bf16", 2);
        DiffReport cpu = ModelDiff.Compare(a, b, new DiffOptions { Device = MergeDevice.Cpu }, null, CancellationToken.None);
        DiffReport device = ModelDiff.Compare(
            a,
            b,
            new DiffOptions { Device = MergeDevice.Gpu, Accelerator = new GpuDifferenceAcceleratorProvider(GpuPreference.CpuAcceleratorForTesting), Threads = 2, ChunkBlocks = 1 },
            null,
            CancellationToken.None);
        Assert.NotEqual("cpu", device.Device);
        Assert.Equal(cpu.Tensors.Count, device.Tensors.Count);
        for (int i = 0; i < cpu.Tensors.Count; i++)
        {
            Assert.Equal(cpu.Tensors[i].Key, device.Tensors[i].Key);
            Assert.True(cpu.Tensors[i].Sums == device.Tensors[i].Sums, cpu.Tensors[i].Key);
        }
    }

    [Fact]
    public void Gpu_without_a_backend_is_a_clear_error()
    {
        string a = SyntheticCheckpoint.Write(_dir.File("a.safetensors"), ArchitectureId.Sd1, "fp16", 1);
        var error = Assert.Throws<MergeDeviceException>(() => ModelDiff.Compare(a, a, new DiffOptions { Device = MergeDevice.Gpu }, null, CancellationToken.None));
        Assert.Contains("no GPU backend", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
