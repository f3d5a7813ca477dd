using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Fast.Cli.CommandLine;
using Fast.Merging.Bulk;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Cli.Commands;

/// <summary>
/// <c>fastmerge bulk</c>: many merges over the same models in one pass over the inputs, from a PLAN (JSON Lines) or
/// a sweep given on the command line, through <see cref="FastBulkMerger"/>. Exit 0 when every variant is done or
/// skipped, 1 when some variant failed (the others still ran), 2 when the plan or the flags cannot be used.
/// </summary>
internal static class BulkCommand
{
    /// <summary>Some variants failed; the others were written.</summary>
    private const int SomeVariantsFailed = 1;

    public static int Run(string[] args)
    {
        if (args.Any(a => a == "--recipe" || a.StartsWith("--recipe=", StringComparison.Ordinal)))
        {
            return BulkGraphCommand.Run(args);
        }

        var reader = new ArgumentReader("bulk", args, new HashSet<string> { "--no-mmap", "--overwrite", "--json", "--resume", "--no-output-hash", "--no-fsync", "--old-calc" });
        BulkOptions options = Options(reader);
        (int Index, int Count)? shard = BulkShard.Resolve(reader.Value("--shard"), reader.Value("--shard-count"), Environment.GetEnvironmentVariable, out string? shardOrigin);
        bool json = reader.Flag("--json");
        BulkSweep? sweep = reader.Value("-a") is { } a ? Sweep(reader, a) : null;
        reader.EnsureAllConsumed(maxPositionals: sweep is null ? 1 : 0);
        if (sweep is null && reader.Positionals.Count != 1)
        {
            throw new UsageException("bulk: give a PLAN file, or a sweep with -a A -b B --out-dir DIR");
        }

        BulkPlan plan;
        try
        {
            plan = sweep?.Expand() ?? BulkPlanParser.ParseFile(reader.Positionals[0]);
        }
        catch (BulkPlanException e)
        {
            foreach (BulkPlanError error in e.Errors)
            {
                Console.Error.WriteLine($"fastmerge: {BulkPlanException.Describe(e.Source, error)}");
            }

            return ExitCodes.Usage;
        }

        if (sweep is not null && options.Sink == BulkSinkKind.Files)
        {
            // A sweep names its outputs itself; the folder they go to is made as `mkdir -p` would make it.
            Directory.CreateDirectory(sweep.OutputDirectory);
        }

        if (shard is { } sh)
        {
            plan = plan.Shard(sh.Index, sh.Count);
            if (shardOrigin is not null)
            {
                // A cluster task's log should say which part of the plan it ran.
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fastmerge: bulk shard {sh.Index}/{sh.Count} from {shardOrigin}"));
            }
        }

        var clock = Stopwatch.StartNew();
        BulkResult result;
        using (var bar = new BulkProgressBar(Console.IsErrorRedirected ? null : Console.Error, clock))
        {
            try
            {
                result = FastBulkMerger.Run(plan, options, bar, ConsoleCancel.Token);
            }
            catch (OperationCanceledException)
            {
                bar.Finish();
                Console.Error.WriteLine("fastmerge: cancelled; outputs of finished waves were kept (run again with --resume to skip them)");
                return ConsoleCancel.ExitCode;
            }

            bar.Finish();
        }

        foreach (BulkVariantResult failed in result.Variants.Where(v => v.Status == BulkVariantStatus.Failed))
        {
            Console.Error.WriteLine($"fastmerge: {failed.Error}");
        }

        Console.Out.Write(json ? BulkResultJson.Serialize(result, options.Sink) + Environment.NewLine : ToText(result, options.Sink));
        return result.Succeeded ? ExitCodes.Ok : SomeVariantsFailed;
    }

    private static BulkOptions Options(ArgumentReader reader)
    {
        string sink = reader.Value("--sink") ?? "files";
        string? memory = reader.Value("--max-memory");
        long maxMemory;
        try
        {
            maxMemory = memory is null ? BulkOptions.DefaultMaxMemory : MemorySize.Parse(memory);
        }
        catch (FormatException e)
        {
            throw new UsageException($"bulk: --max-memory {e.Message}");
        }

        return new BulkOptions
        {
            Threads = reader.Int("--threads", Environment.ProcessorCount, 1, 1024),
            ReadMode = reader.Flag("--no-mmap") ? ReadMode.Buffered : ReadMode.Mapped,
            Overwrite = reader.Flag("--overwrite"),
            Resume = reader.Flag("--resume"),

            // The files sink hashes each output as it is written (~0.5 s of one core per GB); the summary then shows it.
            HashOutputs = !reader.Flag("--no-output-hash"),
            FlushToDisk = !reader.Flag("--no-fsync"),
            MaxMemory = maxMemory,
            Sink = BulkResultJson.TryParseSink(sink, out BulkSinkKind kind)
                ? kind
                : throw new UsageException($"bulk: unknown --sink {sink}; use files, hash or null"),
        };
    }

    /// <summary>The sweep form: the merge flags for the base recipe, with -b, --mode, --calc, --weights-alpha repeatable and --alpha a range.</summary>
    private static BulkSweep Sweep(ArgumentReader reader, string a)
    {
        string? alpha = reader.Value("--alpha");
        IReadOnlyList<double> alphas;
        try
        {
            alphas = alpha is null ? [] : AlphaRange.Parse(alpha);
        }
        catch (FormatException e)
        {
            throw new UsageException($"bulk: --alpha {e.Message}");
        }

        MergeRecipe recipe = RecipeFlags.ReadShared(reader) with { A = new MergeInput(a) };
        IReadOnlyList<string> bModels = reader.Values("-b");
        return new BulkSweep
        {
            Base = recipe,
            OutputDirectory = reader.Required("--out-dir"),
            BModels = bModels.Count > 0 ? bModels : throw new UsageException("bulk: -b is required (repeat it for several B models)"),
            Modes = [.. reader.Values("--mode").Select(RecipeNames.ParseMode)],
            CalcModes = [.. reader.Values("--calc").Select(RecipeNames.ParseCalcMode)],
            Alphas = alphas,
            WeightsAlpha = reader.Values("--weights-alpha"),
        };
    }

    private static string ToText(BulkResult result, BulkSinkKind sink)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"#",5}  {"status",-7}  {"sha256 / error",-64}  out");
        foreach (BulkVariantResult v in result.Variants)
        {
            string detail = v.Error ?? v.Sha256 ?? "-";
            text.AppendLine(CultureInfo.InvariantCulture, $"{v.Variant.Index,5}  {Status(v.Status),-7}  {detail,-64}  {v.Variant.OutputPath}");
            foreach (string warning in v.Warnings)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{string.Empty,5}  warning  {warning}");
            }
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"{Count(result, BulkVariantStatus.Done)} done, {Count(result, BulkVariantStatus.Skipped)} skipped, {Count(result, BulkVariantStatus.Failed)} failed; sink {Sink(sink)}, {result.Waves} wave(s), {Format.Bytes(result.BytesProduced)} in {Format.Duration(result.Elapsed)}");
        return text.ToString();
    }

    private static int Count(BulkResult result, BulkVariantStatus status) => BulkResultJson.Count(result, status);

    private static string Status(BulkVariantStatus status) => BulkResultJson.StatusName(status);

    private static string Sink(BulkSinkKind sink) => BulkResultJson.SinkName(sink);

    /// <summary>One line on a terminal's stderr: variants done/total, output MB/s, ETA from the bytes still to produce.</summary>
    private sealed class BulkProgressBar(TextWriter? terminal, Stopwatch clock) : IProgress<BulkProgress>, IDisposable
    {
        private readonly Lock _lock = new();
        private long _lastDraw = -1000;

        public void Report(BulkProgress value)
        {
            if (terminal is null)
            {
                return;
            }

            lock (_lock)
            {
                long now = clock.ElapsedMilliseconds;
                if (now - _lastDraw < 200)
                {
                    return;
                }

                _lastDraw = now;
                double seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-3);
                double rate = value.BytesDone / seconds;
                string eta = rate > 0 && value.VariantsDone < value.VariantsTotal
                    ? Format.Duration(TimeSpan.FromSeconds(EstimatedRemaining(value, rate)))
                    : "-";
                terminal.Write(string.Create(
                    CultureInfo.InvariantCulture,
                    $"\rvariants {value.VariantsDone}/{value.VariantsTotal}  {rate / 1e6,8:0.0} MB/s  ETA {eta}        "));
            }
        }

        public void Finish() => terminal?.Write("\r" + new string(' ', 79) + "\r");

        public void Dispose() => terminal?.Flush();

        /// <summary>Bytes still to produce in the started waves, plus the variants not started yet at the started ones' average size.</summary>
        private static double EstimatedRemaining(BulkProgress value, double rate)
        {
            double perVariant = value.BytesTotal / (double)Math.Max(1, value.VariantsStarted);
            double unstarted = Math.Max(0, value.VariantsTotal - value.VariantsStarted) * perVariant;
            return (Math.Max(value.BytesTotal - value.BytesDone, 0) + unstarted) / rate;
        }
    }
}
