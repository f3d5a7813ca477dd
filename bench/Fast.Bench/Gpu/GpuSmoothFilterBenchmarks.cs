using BenchmarkDotNet.Attributes;
using Fast.Kernels.Gpu;

namespace Fast.Bench.Gpu;

/// <summary>
/// smoothAdd's filters on device-resident data: the 3^d median and the separable gaussian, on a rank-4
/// conv weight [320,320,3,3] (81-value neighbourhoods) and a rank-2 [1280,1280] weight.
/// </summary>
[MemoryDiagnoser]
public class GpuSmoothFilterBenchmarks
{
    private GpuMergeBackend _backend = null!;
    private GpuTensor _source = null!;
    private GpuTensor _median = null!;
    private GpuTensor _output = null!;
    private int[] _shape = [];

    /// <summary>Accelerator; see <see cref="GpuBenchmarkDevices"/>.</summary>
    [ParamsSource(nameof(Devices))]
    public string Device { get; set; } = "";

    /// <summary>Tensor shape, comma-separated.</summary>
    [Params("320,320,3,3", "1280,1280")]
    public string Shape { get; set; } = "";

    public static IEnumerable<string> Devices() => GpuBenchmarkDevices.Available();

    [GlobalSetup]
    public void Setup()
    {
        _backend = GpuBenchmarkDevices.Open(Device);
        _shape = Shape.Split(',').Select(int.Parse).ToArray();
        int length = _shape.Aggregate(1, (x, y) => x * y);
        var random = new Random(7);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1) * 1e-3f;
        }

        _source = _backend.Upload(values);
        _median = _backend.Allocate(length);
        _output = _backend.Allocate(length);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _source.Dispose();
        _median.Dispose();
        _output.Dispose();
        _backend.Dispose();
    }

    [Benchmark]
    public void Median()
    {
        _backend.Median(_source, _shape, _median);
        _backend.Synchronize();
    }

    [Benchmark]
    public void Gaussian()
    {
        _backend.Gaussian(_source, _shape, _output);
        _backend.Synchronize();
    }

    /// <summary>What smoothAdd runs per key: median, then gaussian of the median.</summary>
    [Benchmark(Baseline = true)]
    public void MedianThenGaussian()
    {
        _backend.Median(_source, _shape, _median);
        _backend.Gaussian(_median, _shape, _output);
        _backend.Synchronize();
    }
}
