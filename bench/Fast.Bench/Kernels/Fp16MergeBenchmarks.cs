using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Fast.Kernels;

namespace Fast.Bench.Kernels;

/// <summary>
/// fp16 lerp and add difference over 64 MiB tensors against a same-run memcpy of the same bytes. Traffic is
/// counted as bytes read + bytes written: memcpy of 64 MiB moves 128 MiB; lerp reads A, B and writes the result
/// (192 MiB); add difference reads A, B, C and writes the result (256 MiB). Bytes/s relative to memcpy =
/// (kernel traffic / kernel time) / (memcpy traffic / memcpy time) = 1.5 / Ratio for lerp and 2 / Ratio for add
/// difference, where Ratio is BenchmarkDotNet's time ratio against the memcpy of the same category. The
/// "2 threads" category splits every operation, memcpy included, into two halves run on two threads (what the
/// merge engine does with two tensors at once); "1 thread" compares single-threaded code with single-threaded
/// memcpy. One job per instruction set; odd length so every tail runs; seeded data.
/// Run: dotnet run -c Release --project bench/Fast.Bench -- --filter '*Fp16MergeBenchmarks*'
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
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
    [BenchmarkCategory("1 thread")]
    public void Memcpy() => Copy(0, Elements);

    [Benchmark(Description = "fp16 lerp (192 MiB traffic)")]
    [BenchmarkCategory("1 thread")]
    public void Lerp() => Lerp(0, Elements);

    [Benchmark(Description = "fp16 add difference (256 MiB traffic)")]
    [BenchmarkCategory("1 thread")]
    public void AddDifference() => AddDifference(0, Elements);

    [Benchmark(Baseline = true, Description = "memcpy 64 MiB (128 MiB traffic)")]
    [BenchmarkCategory("2 threads")]
    public void MemcpyTwoThreads() => Parallel.Invoke(() => Copy(0, Half), () => Copy(Half, Elements - Half));

    [Benchmark(Description = "fp16 lerp (192 MiB traffic)")]
    [BenchmarkCategory("2 threads")]
    public void LerpTwoThreads() => Parallel.Invoke(() => Lerp(0, Half), () => Lerp(Half, Elements - Half));

    [Benchmark(Description = "fp16 add difference (256 MiB traffic)")]
    [BenchmarkCategory("2 threads")]
    public void AddDifferenceTwoThreads() => Parallel.Invoke(() => AddDifference(0, Half), () => AddDifference(Half, Elements - Half));

    private const int Half = Elements / 2;

    private void Copy(int start, int count) => _a.AsSpan(start * 2, count * 2).CopyTo(_destination.AsSpan(start * 2, count * 2));

    private void Lerp(int start, int count) => MergeKernels.Lerp(
        _a.AsSpan(start * 2, count * 2), ElementType.F16, _b.AsSpan(start * 2, count * 2), ElementType.F16, 0.3f, _destination.AsSpan(start * 2, count * 2), ElementType.F16);

    private void AddDifference(int start, int count) => MergeKernels.AddDifference(
        _a.AsSpan(start * 2, count * 2), ElementType.F16, _b.AsSpan(start * 2, count * 2), ElementType.F16, _c.AsSpan(start * 2, count * 2), ElementType.F16, 0.7f, _destination.AsSpan(start * 2, count * 2), ElementType.F16);

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
            // .NET 10 reads DOTNET_EnableAVX512; older runtimes read DOTNET_EnableAVX512F. Both, so the job means AVX2 everywhere.
            AddJob(baseJob.WithId("AVX2").WithEnvironmentVariables(
                new EnvironmentVariable("DOTNET_EnableAVX512F", "0"), new EnvironmentVariable("DOTNET_EnableAVX512", "0")));
            AddJob(baseJob.WithId("SSE").WithEnvironmentVariables(new EnvironmentVariable("DOTNET_EnableAVX2", "0")));
        }
    }
}
