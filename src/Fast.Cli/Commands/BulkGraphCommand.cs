using System.Globalization;
using Fast.Cli.CommandLine;
using Fast.Merging;
using Fast.Merging.Api;
using Fast.Merging.Graphs;
using Fast.SafeTensors;

namespace Fast.Cli.Commands;

/// <summary>
/// <c>fastmerge bulk --recipe FILE --sweep MERGE.PARAM=VALUES … --out-dir DIR</c>: one recipe graph run for every
/// combination of the swept parameters (t, density, lambda, seed, weightN), each variant written as
/// <c>DIR/STEM-NNN.safetensors</c> with its own recorded recipe. Variants run one after another, each reading its
/// inputs (the shared-read engine of plan bulks does not cover graphs yet). Exit 0 when all are written, 1 when some
/// failed (the others still ran), 2 when the recipe or the sweep cannot be used.
/// </summary>
internal static class BulkGraphCommand
{
    private const int SomeVariantsFailed = 1;

    public static int Run(string[] args)
    {
        var reader = new ArgumentReader("bulk", args, new HashSet<string> { "--no-mmap", "--overwrite", "--no-output-hash", "--no-fsync" });
        string recipeFile = reader.Required("--recipe");
        string outDir = reader.Required("--out-dir");
        IReadOnlyList<string> sweeps = reader.Values("--sweep");
        var options = new MergeOptions
        {
            Threads = reader.Int("--threads", Environment.ProcessorCount, 1, 1024),
            ReadMode = reader.Flag("--no-mmap") ? ReadMode.Buffered : ReadMode.Mapped,
            Overwrite = reader.Flag("--overwrite"),
            HashOutput = !reader.Flag("--no-output-hash"),
            FlushToDisk = !reader.Flag("--no-fsync"),
            Device = MergeDevice.Cpu,
        };
        reader.EnsureAllConsumed(maxPositionals: 0);
        if (!Directory.Exists(outDir))
        {
            throw new UsageException($"bulk: --out-dir {outDir} does not exist");
        }

        GraphRecipe recipe = GraphRecipeJson.ReadFile(recipeFile);
        _ = GraphValidator.Validate(recipe, out _);
        List<(string Merge, string Parameter, string[] Values)> axes = [.. sweeps.Select(s => Axis(s, recipe))];
        List<List<(string Merge, string Parameter, string Value)>> variants = [[]];
        foreach ((string merge, string parameter, string[] values) in axes)
        {
            variants = [.. variants.SelectMany(v => values.Select(value => new List<(string, string, string)>([.. v, (merge, parameter, value)])))];
        }

        string stem = Path.GetFileNameWithoutExtension(recipeFile);
        int failed = 0;
        for (int i = 0; i < variants.Count; i++)
        {
            string label = string.Join(' ', variants[i].Select(s => $"{s.Merge}.{s.Parameter}={s.Value}"));
            string output = Path.Combine(outDir, string.Create(CultureInfo.InvariantCulture, $"{stem}-{i:D3}.safetensors"));
            try
            {
                GraphRecipe variant = variants[i].Aggregate(recipe, (r, s) => Apply(r, s.Merge, s.Parameter, s.Value));
                GraphMergeResult result = GraphMerger.Merge(variant, output, options, cancellationToken: ConsoleCancel.Token);
                Console.Out.WriteLine($"done {output} {label}{(result.OutputHashes is { } h ? $" sha256 {h.Sha256}" : string.Empty)}");
            }
            catch (Exception ex) when (ex is MergingException or SafeTensorsFormatException or SafeTensorsWriteException { Failure: WriteFailure.OutputExists })
            {
                failed++;
                Console.Out.WriteLine($"failed {output} {label}: {ex.Message.ReplaceLineEndings(" ")}");
            }
        }

        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{variants.Count - failed} written, {failed} failed"));
        return failed == 0 ? ExitCodes.Ok : SomeVariantsFailed;
    }

    /// <summary>MERGE.PARAM=V1,V2,… or MERGE.PARAM=START:STOP:STEP (decimal steps, STOP included).</summary>
    private static (string Merge, string Parameter, string[] Values) Axis(string text, GraphRecipe recipe)
    {
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        int dot = eq > 0 ? text.LastIndexOf('.', eq) : -1;
        if (eq < 0 || dot <= 0)
        {
            throw new UsageException($"bulk: --sweep {text}: write MERGE.PARAM=V1,V2,... or MERGE.PARAM=START:STOP:STEP");
        }

        string merge = text[..dot], parameter = text[(dot + 1)..eq], values = text[(eq + 1)..];
        if (!recipe.Merges.Any(m => m.Name == merge))
        {
            throw new UsageException($"bulk: --sweep {text}: the recipe has no merge named '{merge}'");
        }

        if (parameter is not ("t" or "density" or "lambda" or "seed") && !IsWeight(parameter, out _))
        {
            throw new UsageException($"bulk: --sweep {text}: sweepable parameters are t, density, lambda, seed and weight1, weight2, ...");
        }

        string[] range = values.Split(':');
        if (range.Length == 3 && range.All(r => decimal.TryParse(r, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
        {
            decimal start = decimal.Parse(range[0], NumberStyles.Float, CultureInfo.InvariantCulture);
            decimal stop = decimal.Parse(range[1], NumberStyles.Float, CultureInfo.InvariantCulture);
            decimal step = decimal.Parse(range[2], NumberStyles.Float, CultureInfo.InvariantCulture);
            if (step <= 0 || (stop - start) / step > 10_000)
            {
                throw new UsageException($"bulk: --sweep {text}: the step must be positive and give at most 10000 values");
            }

            var list = new List<string>();
            for (decimal v = start; v <= stop; v += step)
            {
                list.Add(v.ToString(CultureInfo.InvariantCulture));
            }

            return (merge, parameter, [.. list]);
        }

        return (merge, parameter, values.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
    }

    private static GraphRecipe Apply(GraphRecipe recipe, string merge, string parameter, string value) => recipe with
    {
        Merges = [.. recipe.Merges.Select(m => m.Name != merge ? m : parameter switch
        {
            "t" => m with { T = value },
            "density" => m with { Density = value },
            "lambda" => m with { Lambda = value },
            "seed" => m with
            {
                Seed = uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out uint seed) ? seed : throw new InvalidGraphException($"merge '{merge}': seed '{value}' is not an integer from 0 to {uint.MaxValue}"),
            },
            _ => WithWeight(m, parameter, value),
        })],
    };

    private static GraphMerge WithWeight(GraphMerge m, string parameter, string value)
    {
        _ = IsWeight(parameter, out int n);
        Merging.Methods.MergeMethodEntry? method = Merging.Methods.MergeMethodCatalog.Find(m.Method);
        int count = method?.WeightCount(m.Models.Count) ?? 0;
        if (n < 1 || n > count)
        {
            throw new InvalidGraphException($"merge '{m.Name}': it has {count} weights, so {parameter} does not exist");
        }

        // Unswept weights keep the method's default (1, or 1/N for weighted_sum).
        double fallback = double.IsNaN(method!.DefaultWeight) ? 1.0 / count : method.DefaultWeight;
        string[] weights = m.Weights is { } given ? [.. given] : [.. Enumerable.Repeat(fallback.ToString("R", CultureInfo.InvariantCulture), count)];
        weights[n - 1] = value;
        return m with { Weights = weights };
    }

    private static bool IsWeight(string parameter, out int index)
    {
        index = 0;
        return parameter.StartsWith("weight", StringComparison.Ordinal)
            && int.TryParse(parameter.AsSpan("weight".Length), NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }
}
