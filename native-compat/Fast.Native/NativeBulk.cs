using Fast.Merging.Bulk;

namespace Fast.Native;

/// <summary>Runs a <see cref="BulkRequest"/> through the library API (<see cref="FastBulkMerger"/>), as the CLI's bulk does.</summary>
internal static class NativeBulk
{
    /// <summary>
    /// Runs every variant; the summary JSON comes back even when some variants failed, and the failures are then
    /// raised together as one input error (the other variants' outputs were still written).
    /// </summary>
    public static string Run(BulkRequest request, ProgressCallback progress, out string? failures)
    {
        BulkResult result = FastBulkMerger.Run(request.Plan, request.Options, new EngineProgress(progress), progress.Token);
        var failed = result.Variants.Where(v => v.Status == BulkVariantStatus.Failed).ToList();
        failures = failed.Count == 0
            ? null
            : $"{failed.Count} of {result.Variants.Count} variants failed{(failed.Count < result.Variants.Count ? " (the others were written)" : string.Empty)}: {string.Join("; ", failed.Select(v => v.Error))}";
        return BulkResultJson.Serialize(result, request.Options.Sink);
    }

    /// <summary>Bytes of all variants together, monotonic: what a progress bar needs.</summary>
    private sealed class EngineProgress(ProgressCallback callback) : IProgress<BulkProgress>
    {
        public void Report(BulkProgress value) => callback.Report(value.BytesDone, value.BytesTotal);
    }
}
