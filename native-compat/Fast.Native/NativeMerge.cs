using Fast.Merging.Execution;
using Fast.Merging.Planning;
using Fast.SafeTensors;

namespace Fast.Native;

/// <summary>Runs a <see cref="MergeRequest"/>: open the inputs, plan, stream the output (the CLI's merge, minus the console).</summary>
internal static class NativeMerge
{
    public static void Run(MergeRequest request, ProgressCallback progress)
    {
        string?[] inputs = [request.Recipe.A.Path, request.Recipe.B?.Path, request.Recipe.C?.Path];
        string output = Path.GetFullPath(request.Output);
        if (!request.Overwrite && inputs.Any(i => i is not null && Path.GetFullPath(i) == output))
        {
            throw new NativeInputException($"output {request.Output} is also an input; choose another path or set \"overwrite\": true to replace it");
        }

        using SafeTensorsFile a = SafeTensorsFile.Open(request.Recipe.A.Path, request.ReadMode);
        using SafeTensorsFile b = SafeTensorsFile.Open(request.Recipe.B!.Path, request.ReadMode);
        using SafeTensorsFile? c = request.Recipe.C is null ? null : SafeTensorsFile.Open(request.Recipe.C.Path, request.ReadMode);
        MergePlan plan = MergePlanner.Plan(request.Recipe, a, b, c);
        MergeEngine.Run(
            plan, a, b, c, request.Output, request.Overwrite, request.Threads,
            new EngineProgress(progress), progress.Token);
    }

    /// <summary>Synchronous adapter: <see cref="Progress{T}"/> would post to a synchronization context.</summary>
    private sealed class EngineProgress(ProgressCallback callback) : IProgress<MergeProgress>
    {
        public void Report(MergeProgress value) => callback.Report(value.BytesDone, value.BytesTotal);
    }
}
