using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Fast.Kernels;

namespace Fast.Bench.Kernels;

/// <summary>
/// fp16 lerp and add difference over 64 MiB tensors against a same-run memcpy of the same bytes. Traffic is
/// counted as bytes read + bytes written: memcpy of 64 MiB moves 128 MiB; lerp reads A, B and writes the result
/// (192 MiB); add difference reads A, B, C and writes the result (256 MiB). Ratio = (kernel traffic / kernel
/// time) / (memcpy traffic / memcpy time). One job per instruction set; odd length so every tail runs.
/// Run: dotnet run -c Release --project bench/Fast.Bench -- --filter '*Fp16MergeBenchmarks*' --job short
/// </summary>
[MemoryDiagnoser]
[Config(typeof(IsaJobs))]
public class Fp16MergeBenchmarks
{
    private const int Elements = (32 * 1024 * 1024) + 7; // 64 MiB of fp16, odd
    private byte[] _a = [];
    private byte[] _b = [];
    private byte[] _c = [];
    private byte[] _destination = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(20240601);
        _a = RandomHalves(rng);
        _b = RandomHalves(rng);
        _c = RandomHalves(rng);
        _destination = new byte[Elements * 2];
    }

    [Benchmark(Baseline = true, Description = "memcpy 64 MiB (128 MiB traffic)")]
    public void Memcpy() => _a.AsSpan().CopyTo(_destination);

    [Benchmark(Description = "fp16 lerp (192 MiB traffic)")]
    public void Lerp() => MergeKernels.Lerp(_a, ElementType.F16, _b, ElementType.F16, 0.3f, _destination, ElementType.F16);

    [Benchmark(Description = "fp16 add difference (256 MiB traffic)")]
    public void AddDifference() => MergeKernels.AddDifference(_a, ElementType.F16, _b, ElementType.F16, _c, ElementType.F16, 0.7f, _destination, ElementType.F16);

    private static byte[] RandomHalves(Random rng)
    {
        var values = new float[Elements];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((rng.NextDouble() - 0.5) * 0.1);
        }

        var bytes = new byte[Elements * 2];
        ElementConvert.Narrow(values, bytes, ElementType.F16);
        return bytes;
    }

    private sealed class IsaJobs : ManualConfig
    {
        public IsaJobs()
        {
            Job baseJob = Job.ShortRun.WithId("x");
            AddJob(baseJob.WithId("AVX512"));
            AddJob(baseJob.WithId("AVX2").WithEnvironmentVariables(new EnvironmentVariable("DOTNET_EnableAVX512", "0")));
            AddJob(baseJob.WithId("SSE").WithEnvironmentVariables(new EnvironmentVariable("DOTNET_EnableAVX2", "0")));
        }
    }
}
