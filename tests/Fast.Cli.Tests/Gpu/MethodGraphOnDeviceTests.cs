using System.Security.Cryptography;
using Fast.Kernels.Gpu;
using Fast.Merging.Api;
using Fast.Merging.Architectures;
using Fast.Merging.Graphs;
using Fast.Merging.Gpu;
using Fast.Merging.Methods;
using Fast.Merging.Synthesis;
using Fast.SafeTensors;

namespace Fast.Cli.Tests.Gpu;

/// <summary>
/// Recipe graphs on device gpu (ILGPU's CPU accelerator) write the CPU's file byte for byte: the graph (ties of
/// three fine-tunes over a base, then slerp with a fourth) and one using every method, with f16, bf16 and f32 inputs,
/// at 1 and 2 threads, mapped and buffered, whole tensors and pieces; DARE with the same seed gives the same file on
/// both, another seed another file. With NaN, ±∞ and −0 in the inputs every bit but NaN payloads (SPEC §2) is the
/// CPU's. Device gpu never runs the methods on the CPU silently.
/// </summary>
public sealed class MethodGraphOnDeviceTests : IDisposable
{
    private static readonly Lazy<GpuMergeBackend> s_backend = new(() =>
        GpuMergeBackend.TryCreate(GpuPreference.CpuAcceleratorForTesting, out GpuMergeBackend? backend, out string reason) ? backend! : throw new InvalidOperationException(reason));

    private readonly TempDir _dir = new();
    private readonly string[] _paths;

    public MethodGraphOnDeviceTests()
    {
        _paths =
        [
            SyntheticCheckpoint.Write(_dir.File("base.safetensors"), ArchitectureId.Sd1, SyntheticDTypes.F16, 11, scale: 64),
            SyntheticCheckpoint.Write(_dir.File("m1.safetensors"), ArchitectureId.Sd1, SyntheticDTypes.F16, 12, scale: 64),
            SyntheticCheckpoint.Write(_dir.File("m2.safetensors"), ArchitectureId.Sd1, SyntheticDTypes.BF16, 13, scale: 64),
            SyntheticCheckpoint.Write(_dir.File("m3.safetensors"), ArchitectureId.Sd1, SyntheticDTypes.F32, 14, scale: 64),
            SyntheticCheckpoint.Write(_dir.File("m4.safetensors"), ArchitectureId.Sd1, SyntheticDTypes.F16, 15, scale: 64),
        ];
    }

    [Fact]
    public void Ties_then_slerp_on_the_device_writes_the_cpu_file()
    {
        GraphRecipe recipe = Recipe(
            new GraphMerge { Name = "tied", Method = "ties", Base = "base", Models = ["m1", "m2", "m3"], Density = "0.3", Weights = ["1", "0.5", "0.75"] },
            new GraphMerge { Name = "out", Method = "slerp", Models = ["tied", "m4"], T = "0.4" });

        string cpu = Merge(recipe, "cpu", MergeDevice.Cpu, threads: 2);
        Same(cpu, "gpu", Merge(recipe, "gpu", MergeDevice.Gpu, threads: 2));
        Same(cpu, "gpu-1", Merge(recipe, "gpu-1", MergeDevice.Gpu, threads: 1, ReadMode.Buffered));
        Same(cpu, "gpu-pieces", Merge(recipe, "gpu-pieces", MergeDevice.Gpu, threads: 2, pieceElements: 4096));
        Same(cpu, "gpu-again", Merge(recipe, "gpu-again", MergeDevice.Gpu, threads: 2));
    }

    [Fact]
    public void Every_method_on_the_device_writes_the_cpu_file()
    {
        GraphRecipe recipe = EveryMethod();
        string cpu = Merge(recipe, "cpu", MergeDevice.Cpu, threads: 1);
        Same(cpu, "gpu", Merge(recipe, "gpu", MergeDevice.Gpu, threads: 2));
    }

    [Fact]
    public void Special_values_on_the_device_give_the_cpu_bits_but_nan_payloads()
    {
        // NaN, ±∞ and −0 over the first elements of a few tensors of every input.
        for (int i = 0; i < 4; i++)
        {
            WithSpecials(_paths[i]);
        }

        GraphRecipe recipe = EveryMethod();
        Merge(recipe, "cpu", MergeDevice.Cpu, threads: 2);
        Merge(recipe, "gpu", MergeDevice.Gpu, threads: 2);
        using SafeTensorsFile cpu = SafeTensorsFile.Open(_dir.File("cpu.safetensors"), ReadMode.Buffered);
        using SafeTensorsFile gpu = SafeTensorsFile.Open(_dir.File("gpu.safetensors"), ReadMode.Buffered);
        foreach (TensorInfo tensor in cpu.Tensors)
        {
            byte[] expected = new byte[tensor.ByteLength], actual = new byte[tensor.ByteLength];
            cpu.CopyTo(tensor, 0, expected);
            gpu.CopyTo(gpu[tensor.Name], 0, actual);
            if (expected.AsSpan().SequenceEqual(actual))
            {
                continue;
            }

            // Only F16 outputs here (the base's dtypes): a differing element must be a NaN on both sides.
            Assert.Equal(DType.F16, tensor.DType);
            for (int e = 0; e < expected.Length; e += 2)
            {
                Half x = BitConverter.ToHalf(expected, e), y = BitConverter.ToHalf(actual, e);
                if (BitConverter.ToUInt16(expected, e) != BitConverter.ToUInt16(actual, e))
                {
                    Assert.True(Half.IsNaN(x) && Half.IsNaN(y), $"{tensor.Name} element {e / 2}: cpu {x}, device {y}");
                }
            }
        }

        Assert.True(cpu.Tensors.Count > 100, "the comparison covered the file");
    }

    [Fact]
    public void Dare_with_a_seed_is_the_same_on_the_device_and_another_seed_differs()
    {
        GraphRecipe Dare(uint seed) => Recipe(new GraphMerge { Name = "out", Method = "dare", Base = "base", Models = ["m1", "m2", "m4"], Density = "0.5", Seed = seed });

        string cpu = Merge(Dare(21), "cpu", MergeDevice.Cpu, threads: 2);
        Same(cpu, "gpu", Merge(Dare(21), "gpu", MergeDevice.Gpu, threads: 2));
        Same(cpu, "gpu-buffered", Merge(Dare(21), "gpu-buffered", MergeDevice.Gpu, threads: 1, ReadMode.Buffered));
        Assert.NotEqual(cpu, Merge(Dare(22), "gpu-other-seed", MergeDevice.Gpu, threads: 2));
    }

    [Fact]
    public void Device_gpu_without_the_methods_is_refused_and_writes_nothing()
    {
        GraphRecipe recipe = Recipe(new GraphMerge { Name = "out", Method = "weighted_sum", Models = ["m1", "m4"] });
        string output = _dir.File("refused.safetensors");
        var options = new MergeOptions { Device = MergeDevice.Gpu, Accelerator = new WithoutMethods(), HashInputs = false };

        var error = Assert.Throws<MergeDeviceException>(() => GraphMerger.Merge(recipe, output, options));
        Assert.Contains("does not run the N-model methods", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.Throws<MergeDeviceException>(() => GraphMerger.Merge(recipe, output, options with { Accelerator = null }));
        Assert.False(File.Exists(output));
    }

    public void Dispose() => _dir.Dispose();

    private GraphRecipe EveryMethod() => Recipe(
        new GraphMerge { Name = "tied", Method = "ties", Base = "base", Models = ["m1", "m2", "m3"], Density = "0.3", Weights = ["1", "0.5", "0.75"] },
        new GraphMerge { Name = "dropped", Method = "dare", Base = "base", Models = ["m1", "m3"], Density = "0.6", Seed = 3, Normalize = true },
        new GraphMerge { Name = "dared", Method = "dare_ties", Base = "base", Models = ["m2", "m3", "dropped"], Density = "0.4", Seed = 5 },
        new GraphMerge { Name = "curved", Method = "slerp", Models = ["tied", "dared"], T = "0.35" },
        new GraphMerge { Name = "stock", Method = "model_stock", Base = "base", Models = ["curved", "m1", "m4"] },
        new GraphMerge { Name = "sum", Method = "weighted_sum", Models = ["stock", "m2", "m4"], Weights = ["0.6", "0.3", "0.1"] },
        new GraphMerge { Name = "out", Method = "add_difference", Base = "base", Models = ["sum", "tied", "m2"], Weights = ["0.5", "-0.25"] });

    private GraphRecipe Recipe(params GraphMerge[] merges) => new()
    {
        Inputs = [new("base", _paths[0]), new("m1", _paths[1]), new("m2", _paths[2]), new("m3", _paths[3]), new("m4", _paths[4])],
        Merges = merges,
        Output = merges[^1].Name,
    };

    private string Merge(GraphRecipe recipe, string name, MergeDevice device, int threads, ReadMode readMode = ReadMode.Mapped, int? pieceElements = null)
    {
        string output = _dir.File(name + ".safetensors");
        var options = new MergeOptions
        {
            Device = device, Accelerator = new SharedBackend(), Threads = threads, ReadMode = readMode, FlushToDisk = false, HashInputs = false, HashOutput = false,
        };
        GraphMergeResult result = GraphMerger.Merge(recipe, output, options, pieceElements, progress: null, CancellationToken.None);
        Assert.Equal(device == MergeDevice.Gpu ? s_backend.Value.DeviceName : "cpu", result.Device);
        return Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(output)));
    }

    /// <summary>Asserts that output <paramref name="name"/> hashes to <paramref name="cpu"/>'s hash, naming the first differing element if not.</summary>
    private void Same(string cpu, string name, string actual)
    {
        if (cpu == actual)
        {
            return;
        }

        using SafeTensorsFile expected = SafeTensorsFile.Open(_dir.File("cpu.safetensors"), ReadMode.Buffered);
        using SafeTensorsFile other = SafeTensorsFile.Open(_dir.File(name + ".safetensors"), ReadMode.Buffered);
        foreach (TensorInfo tensor in expected.Tensors)
        {
            byte[] x = new byte[tensor.ByteLength], y = new byte[tensor.ByteLength];
            expected.CopyTo(tensor, 0, x);
            other.CopyTo(other[tensor.Name], 0, y);
            int at = x.AsSpan().CommonPrefixLength(y);
            if (at < x.Length)
            {
                Assert.Fail($"{name} differs from cpu in {tensor.Name} ({tensor.DType}) at byte {at}: {x[at]:X2} vs {y[at]:X2}");
            }
        }

        Assert.Fail($"{name} differs from cpu outside the tensors' data");
    }

    /// <summary>Writes NaN, ±∞ and −0 over the first elements of a few float tensors of <paramref name="path"/>.</summary>
    private static string WithSpecials(string path)
    {
        var patches = new List<(long Offset, byte[] Bytes)>();
        using (SafeTensorsFile file = SafeTensorsFile.Open(path, ReadMode.Buffered))
        {
            foreach (TensorInfo tensor in file.Tensors.Where(t => t.ElementCount >= 64 && t.DType is DType.F16 or DType.BF16 or DType.F32).Take(6))
            {
                byte[] pattern = tensor.DType switch
                {
                    DType.F16 => [0x00, 0x7E, 0x00, 0x7C, 0x00, 0xFC, 0x00, 0x80],
                    DType.BF16 => [0xC0, 0x7F, 0x80, 0x7F, 0x80, 0xFF, 0x00, 0x80],
                    _ => [0x00, 0x00, 0xC0, 0x7F, 0x00, 0x00, 0x80, 0x7F, 0x00, 0x00, 0x80, 0xFF, 0x00, 0x00, 0x00, 0x80],
                };
                patches.Add((file.DataOffset + tensor.DataStart + 8, pattern));
            }
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        foreach ((long offset, byte[] bytes) in patches)
        {
            stream.Position = offset;
            stream.Write(bytes);
        }

        return path;
    }

    private sealed class SharedBackend : IMergeAcceleratorProvider
    {
        public bool TryCreate(out IMergeAccelerator? accelerator, out string reason)
        {
            accelerator = new GpuMergeAccelerator(s_backend.Value, ownsBackend: false);
            reason = accelerator.Name;
            return true;
        }
    }

    /// <summary>A device that offers no N-model methods (the interface's default).</summary>
    private sealed class WithoutMethods : IMergeAcceleratorProvider
    {
        public bool TryCreate(out IMergeAccelerator? accelerator, out string reason)
        {
            accelerator = new CountingAccelerator(new GpuMergeAccelerator(s_backend.Value, ownsBackend: false), () => { });
            reason = accelerator.Name;
            return true;
        }
    }
}
