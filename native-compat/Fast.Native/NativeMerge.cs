using Fast.Merging.Api;
using Fast.Merging.Execution;

namespace Fast.Native;

/// <summary>Runs a <see cref="MergeRequest"/> through the library API (<see cref="FastMerger"/>), as the CLI's merge does.</summary>
internal static class NativeMerge
{
    public static MergeResult Run(MergeRequest request, ProgressCallback progress)
    {
        var options = new MergeOptions
        {
            Threads = request.Threads,
            ReadMode = request.ReadMode,
            Overwrite = request.Overwrite,
            // No accelerator can exist here: ILGPU does not run under NativeAOT, so the library computes on the SIMD
            // kernels, which give the same bytes as the CLI's GPU path.
            Device = MergeDevice.Cpu,
        };
        return FastMerger.Merge(request.Recipe, request.Output, options, new EngineProgress(progress), progress.Token);
    }

    /// <summary>Synchronous adapter: <see cref="Progress{T}"/> would post to a synchronization context.</summary>
    private sealed class EngineProgress(ProgressCallback callback) : IProgress<MergeProgress>
    {
        public void Report(MergeProgress value) => callback.Report(value.BytesDone, value.BytesTotal);
    }
}
