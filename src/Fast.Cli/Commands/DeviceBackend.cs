using Fast.Merging.Api;

namespace Fast.Cli.Commands;

/// <summary>
/// The GPU backend of this build of the CLI: the library's ILGPU adapter (Fast.Merging.Gpu), or none in the NativeAOT build (FASTMERGE_NO_GPU, set by
/// Fast.Cli.csproj when PublishAot is on), where ILGPU cannot run; `--device gpu` then fails with the library's
/// "this build has no GPU backend" and `--device auto` computes on the CPU.
/// </summary>
internal static class DeviceBackend
{
#if FASTMERGE_NO_GPU
    public static IMergeAcceleratorProvider? Provider() => null;

    /// <summary>The diff report's device sums: none in this build.</summary>
    public static Fast.Merging.Diff.IDifferenceAcceleratorProvider? DifferenceProvider() => null;

    /// <summary>The ILGPU SlothfulAttention pooling (CUDA, or ILGPU's CPU accelerator): none in this build.</summary>
    public static Slothful.ISlothfulPoolDevice OpenSlothfulPool(bool cuda, string device) =>
        throw new CommandLine.UsageException($"slothful replay: --device {device}: this build has no GPU backend (the NativeAOT CLI is CPU only)");
#else
    public static IMergeAcceleratorProvider? Provider() => new Fast.Merging.Gpu.GpuAcceleratorProvider();

    /// <summary>The diff report's device sums on CUDA.</summary>
    public static Fast.Merging.Diff.IDifferenceAcceleratorProvider? DifferenceProvider() => new Fast.Merging.Gpu.GpuDifferenceAcceleratorProvider();

    /// <summary>The ILGPU SlothfulAttention pooling (CUDA, or ILGPU's CPU accelerator).</summary>
    public static Slothful.ISlothfulPoolDevice OpenSlothfulPool(bool cuda, string device) => Gpu.GpuSlothfulPoolDevice.Open(cuda, device);
#endif
}
