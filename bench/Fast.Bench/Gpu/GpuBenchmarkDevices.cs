using Fast.Kernels.Gpu;

namespace Fast.Bench.Gpu;

/// <summary>
/// Which accelerators the GPU benchmarks run on: the first CUDA device when there is one. Without CUDA
/// the benchmarks are skipped with the reason printed; set <c>FASTMERGE_BENCH_CPU_ACCELERATOR=1</c> to
/// run them on ILGPU's CPU accelerator instead (a smoke test of the benchmark code, not a product figure).
/// </summary>
internal static class GpuBenchmarkDevices
{
    public const string Cuda = "cuda";
    public const string CpuAccelerator = "cpu-accelerator";

    // BenchmarkDotNet asks for parameter values many times; discover (and print the reason) once.
    private static readonly Lazy<string[]> s_available = new(Discover);

    public static IEnumerable<string> Available() => s_available.Value;

    private static string[] Discover()
    {
        if (GpuMergeBackend.TryCreate(GpuPreference.Cuda, out var backend, out string reason))
        {
            Console.WriteLine($"// GPU benchmarks run on {reason}");
            backend!.Dispose();
            return [Cuda];
        }

        Console.WriteLine($"// GPU benchmarks skipped on CUDA: {reason}");
        return Environment.GetEnvironmentVariable("FASTMERGE_BENCH_CPU_ACCELERATOR") == "1" ? [CpuAccelerator] : [];
    }

    public static GpuMergeBackend Open(string device)
    {
        var preference = device == Cuda ? GpuPreference.Cuda : GpuPreference.CpuAcceleratorForTesting;
        return GpuMergeBackend.TryCreate(preference, out var backend, out string reason)
            ? backend!
            : throw new InvalidOperationException($"{device} disappeared between discovery and setup: {reason}");
    }
}
