using System.Diagnostics;
using System.Globalization;
using Fast.Cli.CommandLine;
using Fast.Merging.Execution;
using Fast.Merging.Planning;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Cli.Commands;

/// <summary><c>fastmerge merge</c>: parses the CLI contract into a recipe and runs plan + engine.</summary>
internal static class MergeCommand
{
    public static int Run(string[] args)
    {
        var reader = new ArgumentReader("merge", args, new HashSet<string> { "--no-mmap", "--overwrite", "--json" });
        var recipe = new MergeRecipe
        {
            A = new MergeInput(reader.Required("-a")),
            B = new MergeInput(reader.Required("-b")),
            C = reader.Value("-c") is { } c ? new MergeInput(c) : null,
            Mode = RecipeNames.ParseMode(reader.Value("--mode") ?? "ws"),
            CalcMode = RecipeNames.ParseCalcMode(reader.Value("--calc") ?? "normal"),
            Alpha = reader.Double("--alpha", 0.5),
            Beta = reader.Double("--beta", 0),
            Gamma = reader.Double("--gamma", 0.3),
            WeightsAlpha = reader.Value("--weights-alpha"),
            WeightsBeta = reader.Value("--weights-beta"),
            ScaledSumWeightsA = reader.Value("--weights-a"),
            ScaledSumWeightsB = reader.Value("--weights-b"),
            PositionIds = RecipeNames.ParsePositionIds(reader.Value("--position-ids") ?? "reset"),
            OutputDType = RecipeNames.ParseOutputDType(reader.Value("--dtype") ?? "keep"),
            Exclude = Split(reader.Value("--exclude")),
            Include = Split(reader.Value("--include")),
        };
        string output = reader.Required("-o", "--output");
        int threads = reader.Int("--threads", Environment.ProcessorCount, 1, 1024);
        string device = reader.Value("--device") ?? "auto";
        if (device is not ("auto" or "cpu"))
        {
            throw new UsageException($"merge: --device {device} is not available in this version (auto|cpu)");
        }

        ReadMode mode = reader.Flag("--no-mmap") ? ReadMode.Buffered : ReadMode.Mapped;
        bool overwrite = reader.Flag("--overwrite");
        bool json = reader.Flag("--json");
        reader.EnsureAllConsumed(maxPositionals: 0);

        var result = Execute(recipe, output, overwrite, threads, mode, ConsoleCancel.Token);
        if (json)
        {
            Console.Out.WriteLine(result.ToJson());
        }
        else
        {
            Console.Out.Write(result.ToText());
        }

        return ExitCodes.Ok;
    }

    public static MergeSummary Execute(MergeRecipe recipe, string output, bool overwrite, int threads, ReadMode mode, CancellationToken cancellation)
    {
        string[] inputs = new[] { recipe.A.Path, recipe.B?.Path, recipe.C?.Path }.OfType<string>().ToArray();
        string fullOutput = Path.GetFullPath(output);
        if (!overwrite && inputs.Any(i => Path.GetFullPath(i) == fullOutput))
        {
            throw new UsageException($"merge: output {output} is also an input; choose another path or pass --overwrite to replace it");
        }

        var clock = Stopwatch.StartNew();
        using SafeTensorsFile a = SafeTensorsFile.Open(recipe.A.Path, mode);
        using SafeTensorsFile b = SafeTensorsFile.Open(recipe.B!.Path, mode);
        using SafeTensorsFile? c = recipe.C is null ? null : SafeTensorsFile.Open(recipe.C.Path, mode);
        MergePlan plan = MergePlanner.Plan(recipe, a, b, c);
        using var bar = new ProgressBar(Console.IsErrorRedirected ? null : Console.Error);
        MergeEngine.Run(plan, a, b, c, output, overwrite, threads, bar, cancellation);
        bar.Finish();
        return new MergeSummary(plan, output, clock.Elapsed);
    }

    private static string[] Split(string? items) =>
        items is null ? [] : items.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
