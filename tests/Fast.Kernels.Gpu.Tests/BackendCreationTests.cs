using Xunit;

namespace Fast.Kernels.Gpu.Tests;

public sealed class BackendCreationTests
{
    [Fact]
    public void Cuda_backend_reports_cleanly_whether_or_not_a_device_exists()
    {
        bool created = GpuMergeBackend.TryCreate(GpuPreference.Cuda, out var backend, out string reason);
        Assert.False(string.IsNullOrWhiteSpace(reason));
        if (!created)
        {
            // The no-GPU machine this suite normally runs on: a clear reason, no exception, no backend.
            Assert.Null(backend);
            Assert.Contains("CUDA", reason, StringComparison.Ordinal);
        }
        else
        {
            using (backend)
            {
                Assert.True(backend!.IsCuda);
            }
        }
    }

    [Fact]
    public void Out_of_range_cuda_device_index_is_reported_not_thrown()
    {
        Assert.False(GpuMergeBackend.TryCreate(GpuPreference.Cuda, 1_000, out var backend, out string reason));
        Assert.Null(backend);
        Assert.Contains("CUDA", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Cpu_accelerator_backend_is_not_cuda_and_disposes_cleanly()
    {
        Assert.True(GpuMergeBackend.TryCreate(GpuPreference.CpuAcceleratorForTesting, out var backend, out string reason), reason);
        Assert.False(backend!.IsCuda);
        var tensor = backend.Upload([1f, 2f]);
        backend.Dispose();
        backend.Dispose();
        Assert.Throws<ObjectDisposedException>(() => backend.Allocate(1));
        tensor.Dispose();
    }
}
