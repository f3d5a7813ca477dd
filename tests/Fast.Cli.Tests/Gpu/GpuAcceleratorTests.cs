using Fast.Kernels.Gpu;
using Fast.Merging;
using Fast.Merging.Api;
using Fast.Merging.Architectures;
using Fast.Merging.Gpu;
using Fast.Merging.Methods;
using Fast.Merging.Recipes;
using Fast.Merging.Synthesis;

namespace Fast.Cli.Tests.Gpu;

/// <summary>
/// The device path (ILGPU kernels behind the library's accelerator seam) run on ILGPU's CPU accelerator gives the
/// same file bytes as the SIMD path: calcmode normal in every mode, trainDifference, smoothAdd, cosineA, cosineB and
/// extract; and device auto sends exactly the compute-heavy calcmodes to the device.
/// </summary>
public sealed class GpuAcceleratorTests : IDisposable
{
    // One ILGPU context for the class: its kernels compile once, and the CPU accelerator is slow per launch, so only
    // the UNet's middle block is merged (the rest is copied from A, no device involved).
    private static readonly Lazy<GpuMergeBackend> s_backend = new(() =>
        GpuMergeBackend.TryCreate(GpuPreference.CpuAcceleratorForTesting, out GpuMergeBackend? backend, out string reason) ? backend! : throw new InvalidOperationException(reason));

    private readonly TempDir _dir = new();

    /// <summary>Every mode the catalog declares: a new mode's GPU operator is checked against its CPU operator without a new test.</summary>
    public static TheoryData<MergeMode> CatalogModes()
    {
        var modes = new TheoryData<MergeMode>();
        foreach (MergeModeEntry entry in MergeModeCatalog.All)
        {
            modes.Add(entry.Mode);
        }

        return modes;
    }

    [Theory]
    [MemberData(nameof(CatalogModes))]
    public void Every_catalog_modes_gpu_operator_is_byte_identical_to_its_cpu_operator(MergeMode mode)
    {
        (string a, string b, string c) = Inputs(fp32: false);
        AssertDeviceMatchesSimd(Recipe(mode, CalcMode.Normal, a, b, c), MergeDevice.Gpu);
    }

    [Theory]
    [InlineData(MergeMode.AddDifference, CalcMode.Normal, true)]
    [InlineData(MergeMode.AddDifference, CalcMode.TrainDifference, false)]
    [InlineData(MergeMode.AddDifference, CalcMode.SmoothAdd, false)]
    [InlineData(MergeMode.WeightSum, CalcMode.CosineA, false)]
    [InlineData(MergeMode.WeightSum, CalcMode.CosineA, true)]
    [InlineData(MergeMode.WeightSum, CalcMode.CosineB, false)]
    [InlineData(MergeMode.WeightSum, CalcMode.CosineB, true)]
    [InlineData(MergeMode.AddDifference, CalcMode.CosineA, false)]
    [InlineData(MergeMode.AddDifference, CalcMode.CosineB, false)]
    [InlineData(MergeMode.AddDifference, CalcMode.CosineB, true)]
    [InlineData(MergeMode.AddDifference, CalcMode.Extract, false)]
    [InlineData(MergeMode.AddDifference, CalcMode.Extract, true)]
    public void Device_path_is_byte_identical_to_simd(MergeMode mode, CalcMode calc, bool fp32)
    {
        (string a, string b, string c) = Inputs(fp32);
        AssertDeviceMatchesSimd(Recipe(mode, calc, a, b, c), MergeDevice.Gpu);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(1.7)]
    [InlineData(2.0)]
    public void Extract_with_B_equal_to_A_is_byte_identical_to_simd(double gamma)
    {
        // Every row of B − A is zero: the norms are clamped at eps and each row's cosine is 0 (SPEC §4's special case).
        (string a, _, string c) = Inputs(fp32: false);
        AssertDeviceMatchesSimd(Recipe(MergeMode.AddDifference, CalcMode.Extract, a, a, c) with { Gamma = gamma, Beta = 0.75 }, MergeDevice.Gpu);
    }

    [Theory]
    [InlineData(MergeMode.AddDifference, CalcMode.SmoothAdd)]
    [InlineData(MergeMode.WeightSum, CalcMode.CosineA)]
    [InlineData(MergeMode.WeightSum, CalcMode.CosineB)]
    [InlineData(MergeMode.AddDifference, CalcMode.Extract)]
    public void Auto_runs_compute_heavy_calcmodes_on_the_device(MergeMode mode, CalcMode calc)
    {
        (string a, string b, string c) = Inputs(fp32: false);
        var provider = new RecordingProvider();
        MergeResult result = AssertDeviceMatchesSimd(Recipe(mode, calc, a, b, c), MergeDevice.Auto, provider);
        Assert.Equal(1, provider.Opened);
        Assert.True(provider.Calls > 0, "the device was opened but never used");
        Assert.Equal(s_backend.Value.DeviceName, result.Device);
    }

    [Theory]
    [InlineData(MergeMode.WeightSum, CalcMode.Normal)]
    [InlineData(MergeMode.AddDifference, CalcMode.TrainDifference)]
    [InlineData(MergeMode.WeightSum, CalcMode.Tensor)]
    public void Auto_keeps_elementwise_calcmodes_on_the_cpu(MergeMode mode, CalcMode calc)
    {
        (string a, string b, string c) = Inputs(fp32: false);
        var provider = new RecordingProvider();
        var options = new MergeOptions { Device = MergeDevice.Auto, Accelerator = provider, Threads = 2, HashInputs = false };
        MergeResult result = FastMerger.Merge(Recipe(mode, calc, a, b, c), _dir.File("auto.safetensors"), options);
        Assert.Equal(0, provider.Opened);
        Assert.Equal("cpu", result.Device);
    }

    [Fact]
    public void Auto_without_a_cuda_device_falls_back_to_simd()
    {
        (string a, string b, string c) = Inputs(fp32: false);
        var recipe = new MergeRecipe { Mode = MergeMode.AddDifference, CalcMode = CalcMode.SmoothAdd, A = new(a), B = new(b), C = new(c) };
        var options = new MergeOptions { Device = MergeDevice.Auto, Accelerator = new GpuAcceleratorProvider(), HashInputs = false };
        if (GpuMergeBackend.TryCreate(GpuPreference.Cuda, out GpuMergeBackend? cuda, out _))
        {
            cuda!.Dispose();
            return; // a real GPU is present: auto uses it, which the identity test above covers by construction
        }

        Assert.Equal("cpu", FastMerger.Merge(recipe, _dir.File("auto.safetensors"), options).Device);
    }

    /// <summary>
    /// The device is opened on a worker thread while the inputs are planned: it is closed once whether the merge runs
    /// on it or fails to plan first (then with the plan's error, not the device's, and after the error is reported).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_device_opened_beside_planning_is_closed_once_whether_the_merge_runs_or_fails(bool failsToPlan)
    {
        (string a, string b, _) = Inputs(fp32: false);
        var provider = new RecordingProvider();
        var recipe = new MergeRecipe { CalcMode = CalcMode.CosineB, A = new(a), B = new(b), WeightsAlpha = failsToPlan ? "1,2,3" : null };
        var options = new MergeOptions { Device = MergeDevice.Gpu, Accelerator = provider, HashInputs = false };
        string output = _dir.File($"opened-{failsToPlan}.safetensors");
        if (failsToPlan)
        {
            Assert.ThrowsAny<MergingException>(() => FastMerger.Merge(recipe, output, options));
            Assert.False(File.Exists(output));
        }
        else
        {
            Assert.NotEqual("cpu", FastMerger.Merge(recipe, output, options).Device);
            Assert.True(provider.Calls > 0);
        }

        // A device the merge never took is closed when its opening ends, without holding up the merge's error.
        Assert.True(SpinWait.SpinUntil(() => provider.Closed == 1, TimeSpan.FromSeconds(30)), "the opened device was not closed");
        Assert.Equal(1, provider.Opened);
        Assert.Equal(1, provider.Closed);
    }

    public void Dispose() => _dir.Dispose();

    private static MergeRecipe Recipe(MergeMode mode, CalcMode calc, string a, string b, string c) => new()
    {
        Mode = mode,
        CalcMode = calc,
        Alpha = 0.35,
        Beta = 0.25,
        A = new MergeInput(a),
        B = new MergeInput(b),
        C = MergeModeCatalog.Get(mode).UsesC ? new MergeInput(c) : null,
        Include = ["M00"],
    };

    /// <summary>Merges with the SIMD kernels and on <paramref name="device"/> through the shared backend; the files must be equal.</summary>
    private MergeResult AssertDeviceMatchesSimd(MergeRecipe recipe, MergeDevice device, IMergeAcceleratorProvider? provider = null)
    {
        var simd = new MergeOptions { Device = MergeDevice.Cpu, Threads = 2, HashInputs = false };
        var onDevice = simd with { Device = device, Accelerator = provider ?? new SharedBackend() };

        FastMerger.Merge(recipe, _dir.File("simd.safetensors"), simd);
        MergeResult result = FastMerger.Merge(recipe, _dir.File("device.safetensors"), onDevice);

        Assert.NotEqual("cpu", result.Device);
        Assert.True(result.Plan.MergedCount > 10);
        Assert.Equal(File.ReadAllBytes(_dir.File("simd.safetensors")), File.ReadAllBytes(_dir.File("device.safetensors")));
        return result;
    }

    /// <summary>A, B and C: fp16, bf16 and fp16 (mixed stored types), or all fp32.</summary>
    private (string A, string B, string C) Inputs(bool fp32) => fp32
        ? (Model("a32", SyntheticDTypes.F32, 1), Model("b32", SyntheticDTypes.F32, 2), Model("c32", SyntheticDTypes.F32, 3))
        : (Model("a", SyntheticDTypes.F16, 1), Model("b", SyntheticDTypes.BF16, 2), Model("c", SyntheticDTypes.F16, 3));

    private sealed class SharedBackend : IMergeAcceleratorProvider
    {
        public bool TryCreate(out IMergeAccelerator? accelerator, out string reason)
        {
            accelerator = new GpuMergeAccelerator(s_backend.Value, ownsBackend: false);
            reason = accelerator.Name;
            return true;
        }
    }

    /// <summary>The shared backend, counting how often it is opened and how many operations run on it.</summary>
    private sealed class RecordingProvider : IMergeAcceleratorProvider
    {
        private int _calls, _opened, _closed;

        public int Opened => Volatile.Read(ref _opened);

        public int Closed => Volatile.Read(ref _closed);

        public int Calls => Volatile.Read(ref _calls);

        public bool TryCreate(out IMergeAccelerator? accelerator, out string reason)
        {
            Interlocked.Increment(ref _opened);
            accelerator = new CountingAccelerator(
                new GpuMergeAccelerator(s_backend.Value, ownsBackend: false), () => Interlocked.Increment(ref _calls), () => Interlocked.Increment(ref _closed));
            reason = accelerator.Name;
            return true;
        }
    }

    private string Model(string name, string dtype, ulong seed) => SyntheticCheckpoint.Write(_dir.File(name + ".safetensors"), ArchitectureId.Sd1, dtype, seed);
}
