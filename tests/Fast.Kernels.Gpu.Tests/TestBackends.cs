using Xunit;

namespace Fast.Kernels.Gpu.Tests;

/// <summary>
/// Backends every kernel test runs on: ILGPU's CPU accelerator always, plus the first CUDA device when
/// the machine has one (so `dotnet test` on a GPU machine checks the real device bit for bit).
/// </summary>
internal static class TestBackends
{
    private static readonly Lazy<GpuMergeBackend> s_cpu = new(() =>
        GpuMergeBackend.TryCreate(GpuPreference.CpuAcceleratorForTesting, out var backend, out string reason)
            ? backend!
            : throw new InvalidOperationException("CPU accelerator unavailable: " + reason));

    private static readonly Lazy<GpuMergeBackend?> s_cuda = new(() =>
        GpuMergeBackend.TryCreate(GpuPreference.Cuda, out var backend, out _) ? backend : null);

    public static TheoryData<string> Names
    {
        get
        {
            var names = new TheoryData<string> { "cpu" };
            if (s_cuda.Value is not null)
            {
                names.Add("cuda");
            }

            return names;
        }
    }

    public static GpuMergeBackend Get(string name) => name == "cuda" ? s_cuda.Value! : s_cpu.Value;
}
