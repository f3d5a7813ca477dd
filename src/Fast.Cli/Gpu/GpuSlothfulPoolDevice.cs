using Fast.Cli.CommandLine;
using Fast.Cli.Commands.Slothful;
using Fast.Kernels;
using Fast.Kernels.Attention;
using Fast.Kernels.Gpu;

namespace Fast.Cli.Gpu;

/// <summary>SlothfulAttention pooling on an ILGPU accelerator: CUDA for the product, ILGPU's CPU accelerator for tests.</summary>
internal sealed class GpuSlothfulPoolDevice : ISlothfulPoolDevice
{
    private readonly GpuMergeBackend _backend;

    private GpuSlothfulPoolDevice(GpuMergeBackend backend) => _backend = backend;

    /// <summary>Opens CUDA device 0, or ILGPU's CPU accelerator; a usage error naming <paramref name="device"/> when it cannot.</summary>
    public static ISlothfulPoolDevice Open(bool cuda, string device)
    {
        GpuPreference preference = cuda ? GpuPreference.Cuda : GpuPreference.CpuAcceleratorForTesting;
        if (!GpuMergeBackend.TryCreate(preference, out GpuMergeBackend? backend, out string reason))
        {
            throw new UsageException($"slothful replay: --device {device}: {reason}");
        }

        return new GpuSlothfulPoolDevice(backend!);
    }

    public void Pool(SlothfulPlan plan, ElementType type, ReadOnlySpan<byte> x, int batch, int channels, byte[] k, byte[] v, LerpPolicy lerp)
    {
        int size = ElementTypeInfo.SizeOf(type);
        GpuElementType storage = type == ElementType.F32 ? GpuElementType.F32 : type == ElementType.F16 ? GpuElementType.F16 : GpuElementType.BF16;
        using GpuTensor gx = _backend.Upload(x, storage);
        using GpuTensor gk = _backend.Allocate(k.Length / size);
        using GpuTensor? gv = v.Length > 0 ? _backend.Allocate(v.Length / size) : null;
        _backend.SlothfulPool(plan, gx, batch, channels, storage, gk, gv, lerp);
        _backend.Download(gk, storage, k);
        if (gv is not null)
        {
            _backend.Download(gv, storage, v);
        }
    }

    public void Dispose() => _backend.Dispose();
}
