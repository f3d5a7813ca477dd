using Fast.Cli.CommandLine;
using Fast.Merging;
using Fast.Merging.Api;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Cli.Commands;

/// <summary><c>fastmerge merge</c>: parses the CLI contract into a recipe and options and runs <see cref="FastMerger"/>.</summary>
internal static class MergeCommand
{
    public static int Run(string[] args)
    {
        if (MethodMergeCommand.Handles(args))
        {
            return MethodMergeCommand.Run(args);
        }

        var reader = new ArgumentReader("merge", args, new HashSet<string> { "--no-mmap", "--overwrite", "--json", "--no-output-hash", "--no-fsync", "--old-calc" });
        MergeRecipe recipe = RecipeFlags.ReadShared(reader) with
        {
            A = new MergeInput(reader.Required("-a")),
            B = new MergeInput(reader.Required("-b")),
            Mode = RecipeNames.ParseMode(reader.Value("--mode") ?? "ws"),
            CalcMode = RecipeNames.ParseCalcMode(reader.Value("--calc") ?? "normal"),
            Alpha = reader.Double("--alpha", 0.5),
            WeightsAlpha = reader.Value("--weights-alpha"),
        };
        string output = reader.Required("-o", "--output");
        if (output.EndsWith('/') || output.EndsWith(Path.DirectorySeparatorChar))
        {
            // -o DIR/: the recipe names the file (inputs, mode, weights, a hash of the whole recipe).
            output = Path.Combine(output, RecipeFileName.For(recipe));
        }
        MergeOptions options = ReadOptions(reader);
        bool json = reader.Flag("--json");
        reader.EnsureAllConsumed(maxPositionals: 0);

        MergeSummary summary = Execute(recipe, output, options, ConsoleCancel.Token);
        Console.Out.Write(json ? summary.ToJson() + Environment.NewLine : summary.ToText());
        return ExitCodes.Ok;
    }

    /// <summary>The run options every two/three-model merge takes (a fresh one and a <c>--from-metadata</c> re-run).</summary>
    public static MergeOptions ReadOptions(ArgumentReader reader) => new()
    {
        Threads = reader.Int("--threads", Environment.ProcessorCount, 1, 1024),
        Device = ParseDevice(reader.Value("--device") ?? "auto"),
        ReadMode = reader.Flag("--no-mmap") ? ReadMode.Buffered : ReadMode.Mapped,
        Overwrite = reader.Flag("--overwrite"),

        // The output is hashed while it is written, on a thread of its own (~1 s of one core for a 2 GB SD1.5 file).
        HashOutput = !reader.Flag("--no-output-hash"),

        // Durable by default: the output is flushed before it is renamed into place (cp does not flush).
        FlushToDisk = !reader.Flag("--no-fsync"),
        Accelerator = DeviceBackend.Provider(),
    };

    /// <summary>Runs the merge through the library API with a progress bar on a terminal's stderr.</summary>
    public static MergeSummary Execute(MergeRecipe recipe, string output, MergeOptions options, CancellationToken cancellation)
    {
        using var bar = new ProgressBar(Console.IsErrorRedirected ? null : Console.Error);
        MergeResult result = FastMerger.Merge(recipe, output, options, bar, cancellation);
        bar.Finish();
        return new MergeSummary(result);
    }

    /// <summary>The <c>--device</c> value of every merge form.</summary>
    public static MergeDevice ParseDevice(string text) => text switch
    {
        "auto" => MergeDevice.Auto,
        "cpu" => MergeDevice.Cpu,
        "gpu" => MergeDevice.Gpu,
        _ => throw new UsageException($"merge: unknown --device {text}; use auto, cpu or gpu"),
    };
}
