using System.Globalization;
using Fast.Cli.CommandLine;
using Fast.Merging.Api;
using Fast.Merging.Graphs;
using Fast.Merging.Methods;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Cli.Commands;

/// <summary>
/// <c>fastmerge merge</c> with an N-model method (<c>--mode slerp|ties|dare|dare_ties|model_stock</c>, and
/// <c>weighted_sum</c>/<c>add_difference</c> when <c>--models</c>, <c>--base</c> or <c>--weights</c> is given), a recipe
/// graph (<c>--recipe FILE</c>) or a re-run (<c>--from-metadata OUT</c>): builds a <see cref="GraphRecipe"/> and runs
/// <see cref="GraphMerger"/>.
/// </summary>
internal static class MethodMergeCommand
{
    private static readonly string[] s_lists = ["--models", "--weights"];

    /// <summary>True when these merge arguments ask for a recipe graph or an N-model method.</summary>
    public static bool Handles(IReadOnlyList<string> args)
    {
        if (args.Any(a => a is "--recipe" or "--from-metadata" || a.StartsWith("--recipe=", StringComparison.Ordinal) || a.StartsWith("--from-metadata=", StringComparison.Ordinal)))
        {
            return true;
        }

        string? mode = ModeArgument(args);
        if (mode is null || MergeMethodCatalog.Find(mode) is not { } method)
        {
            return false;
        }

        // weighted_sum and add_difference are also spellings of supermerger's ws and ad: the two-model forms keep them.
        bool alsoSupermergerMode = method.Name is "weighted_sum" or "add_difference";
        return !alsoSupermergerMode || args.Any(a => a is "--models" or "--base" or "--weights" || a.StartsWith("--models=", StringComparison.Ordinal)
            || a.StartsWith("--base=", StringComparison.Ordinal) || a.StartsWith("--weights=", StringComparison.Ordinal));
    }

    public static int Run(string[] args)
    {
        var reader = new ArgumentReader("merge", ExpandLists(args), new HashSet<string> { "--no-mmap", "--overwrite", "--json", "--no-output-hash", "--no-fsync" });
        if (reader.Value("--from-metadata") is { } rerun && RecordedRecipe.Read(rerun) is { } plain)
        {
            return RerunPlain(reader, plain);
        }

        string output = reader.Required("-o", "--output");
        GraphRecipe recipe = reader.Value("--recipe") is { } file ? GraphRecipeJson.ReadFile(file)
            : reader.Value("--from-metadata") is { } merged ? GraphMerger.FromMetadata(merged)
            : FromFlags(reader);
        if (reader.Value("--dtype") is { } dtype)
        {
            recipe = recipe with { OutputDType = RecipeNames.ParseOutputDType(dtype) };
        }

        var options = new MergeOptions
        {
            Threads = reader.Int("--threads", Environment.ProcessorCount, 1, 1024),
            Device = MergeCommand.ParseDevice(reader.Value("--device") ?? "auto"),
            Accelerator = DeviceBackend.Provider(),
            ReadMode = reader.Flag("--no-mmap") ? ReadMode.Buffered : ReadMode.Mapped,
            Overwrite = reader.Flag("--overwrite"),
            HashOutput = !reader.Flag("--no-output-hash"),
            FlushToDisk = !reader.Flag("--no-fsync"),
        };
        bool json = reader.Flag("--json");
        reader.EnsureAllConsumed(maxPositionals: 0);

        GraphMergeResult result;
        using (var bar = new ProgressBar(Console.IsErrorRedirected ? null : Console.Error))
        {
            result = GraphMerger.Merge(recipe, output, options, bar, ConsoleCancel.Token);
            bar.Finish();
        }

        Console.Out.Write(json ? GraphMergeSummary.ToJson(result) + Environment.NewLine : GraphMergeSummary.ToText(result));
        return ExitCodes.Ok;
    }

    /// <summary>The one-merge recipe the flags describe.</summary>
    /// <summary>
    /// <c>--from-metadata</c> on the output of a two/three-model merge (supermerger's modes): its recorded
    /// <c>fastmerge.recipe</c> runs again as written, random draws included (they come from the recorded seed).
    /// </summary>
    private static int RerunPlain(ArgumentReader reader, MergeRecipe recipe)
    {
        string output = reader.Required("-o", "--output");
        if (reader.Value("--dtype") is { } dtype)
        {
            recipe = recipe with { OutputDType = RecipeNames.ParseOutputDType(dtype) };
        }

        MergeOptions options = MergeCommand.ReadOptions(reader);
        bool json = reader.Flag("--json");
        reader.EnsureAllConsumed(maxPositionals: 0);
        MergeSummary summary = MergeCommand.Execute(recipe, output, options, ConsoleCancel.Token);
        Console.Out.Write(json ? summary.ToJson() + Environment.NewLine : summary.ToText());
        return ExitCodes.Ok;
    }

    private static GraphRecipe FromFlags(ArgumentReader reader)
    {
        string modeText = reader.Required("--mode");
        MergeMethodEntry method = MergeMethodCatalog.Find(modeText) ?? throw new UsageException($"merge: unknown --mode {modeText}");
        var inputs = new List<GraphInput>();
        string? Add(string flag, string name)
        {
            if (reader.Value(flag) is not { } path)
            {
                return null;
            }

            inputs.Add(new GraphInput(name, path));
            return name;
        }

        string? a = Add("-a", "a"), b = Add("-b", "b"), c = Add("-c", "c"), baseName = Add("--base", "base");
        var models = new List<string>();
        foreach ((string path, int i) in reader.Values("--models").Select((p, i) => (p, i)))
        {
            string name = $"m{i + 1}";
            inputs.Add(new GraphInput(name, path));
            models.Add(name);
        }

        List<string> given = [.. new[] { a, b, c }.OfType<string>()];
        string? mergeBase = null;
        List<string> operands;
        if (!method.NeedsBase)
        {
            operands = [.. given, .. models];
            if (baseName is not null)
            {
                throw new UsageException($"merge: --mode {method.Name} takes no --base");
            }
        }
        else if (baseName is not null)
        {
            mergeBase = baseName;
            operands = [.. given, .. models];
        }
        else if (method.KeysFromBase)
        {
            // -a is the base, -b, -c and --models the fine-tunes.
            mergeBase = a ?? throw new UsageException($"merge: --mode {method.Name} needs a base: --base BASE (or -a BASE)");
            operands = [.. given.Skip(1), .. models];
        }
        else
        {
            // add_difference: A + w·(B − C) + …: -c is the model whose difference is taken.
            mergeBase = c ?? throw new UsageException($"merge: --mode {method.Name} needs the model to subtract: -c C (or --base C)");
            operands = [.. given.Where(n => n != c), .. models];
        }

        IReadOnlyList<string> weights = reader.Values("--weights");
        var merge = new GraphMerge
        {
            Name = "merge",
            Method = method.Name,
            Models = operands,
            Base = mergeBase,
            T = reader.Value("--t"),
            Density = reader.Value("--density"),
            Lambda = reader.Value("--lambda"),
            Weights = weights.Count == 0 ? null : weights,
            Seed = reader.Value("--seed") is { } seed
                ? uint.TryParse(seed, NumberStyles.None, CultureInfo.InvariantCulture, out uint s) ? s : throw new UsageException($"merge: --seed must be an integer from 0 to {uint.MaxValue}, got '{seed}'")
                : null,
            Normalize = reader.Value("--normalize") switch
            {
                null => null,
                "true" => true,
                "false" => false,
                string other => throw new UsageException($"merge: --normalize must be true or false, got '{other}'"),
            },
        };
        return new GraphRecipe { Inputs = inputs, Merges = [merge], Output = "merge" };
    }

    /// <summary>The value of --mode, if given.</summary>
    private static string? ModeArgument(IReadOnlyList<string> args)
    {
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == "--mode" && i + 1 < args.Count)
            {
                return args[i + 1];
            }

            if (args[i].StartsWith("--mode=", StringComparison.Ordinal))
            {
                return args[i]["--mode=".Length..];
            }
        }

        return null;
    }

    /// <summary>
    /// <c>--models M1 M2 …</c> and <c>--weights W1 W2 …</c> take every following argument up to the next option: rewritten
    /// as one <c>--models Mi</c> per value for <see cref="ArgumentReader"/>.
    /// </summary>
    private static List<string> ExpandLists(string[] args)
    {
        var expanded = new List<string>(args.Length);
        for (int i = 0; i < args.Length; i++)
        {
            if (!s_lists.Contains(args[i]))
            {
                expanded.Add(args[i]);
                continue;
            }

            string flag = args[i];
            int taken = 0;
            while (i + 1 < args.Length && !IsOption(args[i + 1]))
            {
                expanded.Add(flag);
                expanded.Add(args[++i]);
                taken++;
            }

            if (taken == 0)
            {
                throw new UsageException($"merge: option {flag} needs at least one value");
            }
        }

        return expanded;
    }

    private static bool IsOption(string arg) =>
        arg.Length > 1 && arg[0] == '-' && !double.TryParse(arg, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
