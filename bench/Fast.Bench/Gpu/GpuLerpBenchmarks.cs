using BenchmarkDotNet.Attributes;
using Fast.Kernels.Gpu;

namespace Fast.Bench.Gpu;

/// <summary>
/// Weighted sum of two fp16 tensors on the GPU: the kernel alone on device-resident f32 data, and the full
/// path a merge takes per tensor (upload fp16 → widen → lerp → narrow to fp16 → download).
/// </summary>
[MemoryDiagnoser]
public class GpuLerpBenchmarks
{
    private GpuMergeBackend _backend = null!;
    private byte[] _a = null!;
    private byte[] _b = null!;
    private byte[] _output = null!;
    private GpuTensor _deviceA = null!;
    private GpuTensor _deviceB = null!;
    private GpuTensor _deviceOutput = null!;

    /// <summary>Accelerator; see <see cref="GpuBenchmarkDevices"/>.</summary>
    [ParamsSource(nameof(Devices))]
    public string Device { get; set; } = "";

    /// <summary>Element count: an SDXL-sized 1280×1280 weight, and a large odd length so tails run.</summary>
    [Params(1280 * 1280, (16 * 1024 * 1024) + 7)]
    public int Length { get; set; }

    public static IEnumerable<string> Devices() => GpuBenchmarkDevices.Available();

    [GlobalSetup]
    public void Setup()
    {
        _backend = GpuBenchmarkDevices.Open(Device);
        var random = new Random(42);
        _a = RandomHalves(random, Length);
        _b = RandomHalves(random, Length);
        _output = new byte[Length * 2];
        _deviceA = _backend.Upload(_a, GpuElementType.F16);
        _deviceB = _backend.Upload(_b, GpuElementType.F16);
        _deviceOutput = _backend.Allocate(Length);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _deviceA.Dispose();
        _deviceB.Dispose();
        _deviceOutput.Dispose();
        _backend.Dispose();
    }

    /// <summary>Kernel only: three f32 streams of <see cref="Length"/> elements.</summary>
    [Benchmark(Baseline = true)]
    public void LerpDeviceResident()
    {
        _backend.Lerp(_deviceA, _deviceB, 0.3f, _deviceOutput);
        _backend.Synchronize();
    }

    /// <summary>Host fp16 in, host fp16 out, including both PCIe transfers.</summary>
    [Benchmark]
    public void LerpFp16RoundTrip()
    {
        using var a = _backend.Upload(_a, GpuElementType.F16);
        using var b = _backend.Upload(_b, GpuElementType.F16);
        _backend.Lerp(a, b, 0.3f, a);
        _backend.Download(a, GpuElementType.F16, _output);
    }

    private static byte[] RandomHalves(Random random, int length)
    {
        var bytes = new byte[length * 2];
        for (int i = 0; i < length; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 2), (Half)((random.NextDouble() * 2) - 1));
        }

        return bytes;
    }
}
