using Fast.Merging.Api;

namespace Fast.Cli.Commands;

/// <summary>
/// The GPU backend of this build of the CLI: the ILGPU adapter, or none in the NativeAOT build (FASTMERGE_NO_GPU, set by
/// Fast.Cli.csproj when PublishAot is on), where ILGPU cannot run; `--device gpu` then fails with the library's
/// "this build has no GPU backend" and `--device auto` computes on the CPU.
/// </summary>
internal static class DeviceBackend
{
#if FASTMERGE_NO_GPU
    public static IMergeAcceleratorProvider? Provider() => null;
#else
    public static IMergeAcceleratorProvider? Provider() => new Gpu.GpuAcceleratorProvider();
#endif
}
