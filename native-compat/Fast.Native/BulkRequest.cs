using System.Text.Json;
using Fast.Merging.Bulk;
using Fast.SafeTensors;

namespace Fast.Native;

/// <summary>
/// The arguments of <c>fm_bulk_json</c> / <c>fm_bulk_run_json</c>: a PLAN in the <c>fastmerge bulk</c> JSON Lines
/// form (one recipe per line plus <c>"out"</c>, see <see cref="BulkPlanParser"/>) and optional run options, the
/// CLI's flags by name:
/// <code>{"sink": "files"|"hash"|"null", "resume": false, "overwrite": false, "shard_index": 1, "shard_count": 1,
///  "max_memory": "2G", "threads": 0, "no_mmap": false}</code>
/// Unknown members are rejected so a misspelt option is reported rather than ignored.
/// </summary>
internal sealed record BulkRequest(BulkPlan Plan, BulkOptions Options)
{
    private const int MaxThreads = 1024;
    private const string What = "bulk options";

    public static BulkRequest Parse(string planJsonl, string? optionsJson)
    {
        BulkPlan plan;
        try
        {
            plan = BulkPlanParser.Parse(planJsonl, "plan_jsonl");
        }
        catch (BulkPlanException e)
        {
            // All the bad lines in one message: fm_last_error is one string.
            throw new NativeInputException(string.Join("; ", e.Errors.Select(error => BulkPlanException.Describe(e.Source, error))));
        }

        if (optionsJson is null)
        {
            return new BulkRequest(plan, new BulkOptions());
        }

        using JsonDocument document = JsonRequest.Parse(optionsJson, What);
        JsonElement root = document.RootElement;
        JsonRequest.EnsureOnly(root, What, "sink", "resume", "overwrite", "shard_index", "shard_count", "max_memory", "threads", "no_mmap");

        BulkSinkKind sink = BulkSinkKind.Files;
        if (JsonRequest.OptionalString(root, "sink", What) is { } sinkName && !BulkResultJson.TryParseSink(sinkName, out sink))
        {
            throw new NativeInputException($"{What}: unknown \"sink\" {sinkName}; use files, hash or null");
        }

        long maxMemory = BulkOptions.DefaultMaxMemory;
        if (JsonRequest.OptionalString(root, "max_memory", What) is { } size)
        {
            try
            {
                maxMemory = MemorySize.Parse(size);
            }
            catch (FormatException e)
            {
                throw new NativeInputException($"{What}: \"max_memory\" {e.Message}");
            }
        }

        int shardCount = JsonRequest.OptionalInt(root, "shard_count", What, 1, int.MaxValue) ?? 1;
        int shardIndex = JsonRequest.OptionalInt(root, "shard_index", What, 1, int.MaxValue) ?? 1;
        if (shardIndex > shardCount)
        {
            throw new NativeInputException($"{What}: \"shard_index\" {shardIndex} is above \"shard_count\" {shardCount} (1 <= index <= count)");
        }

        int threads = JsonRequest.OptionalInt(root, "threads", What, 0, MaxThreads) ?? 0;
        var options = new BulkOptions
        {
            Sink = sink,
            Resume = JsonRequest.OptionalBool(root, "resume", What) ?? false,
            Overwrite = JsonRequest.OptionalBool(root, "overwrite", What) ?? false,
            MaxMemory = maxMemory,
            Threads = threads == 0 ? Environment.ProcessorCount : threads,
            ReadMode = JsonRequest.OptionalBool(root, "no_mmap", What) == true ? ReadMode.Buffered : ReadMode.Mapped,
        };
        return new BulkRequest(shardCount == 1 ? plan : plan.Shard(shardIndex, shardCount), options);
    }
}
