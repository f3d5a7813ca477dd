using System.Globalization;
using Fast.Cli.CommandLine;
using Fast.Merging;
using Fast.Merging.Api;
using Fast.Merging.Architectures;
using Fast.Merging.Recipes;
using Fast.Merging.Synthesis;

namespace Fast.Cli.Commands;

/// <summary>
/// <c>fastmerge demo</c>: the README's first command. Generates three small SD1.5-layout checkpoints (A with
/// drifted float position ids, as broken merges leave them), then runs a block-weighted add difference and
/// shows what it did.
/// </summary>
internal static class DemoCommand
{
    private const string DemoWeights = "0.5,1,1,1,1,1,1,1,1,1,1,1,1,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5";

    public static int Run(string[] args)
    {
        var reader = new ArgumentReader("demo", args, new HashSet<string>());
        string dir = reader.Value("--dir") ?? Path.Combine(Path.GetTempPath(), "fastmerge-demo");
        int scale = reader.Int("--scale", 8, 1, 64);
        reader.EnsureAllConsumed(maxPositionals: 0);
        Directory.CreateDirectory(dir);

        string[] paths = ["A", "B", "C"];
        for (int i = 0; i < paths.Length; i++)
        {
            paths[i] = Path.Combine(dir, $"model{paths[i]}.safetensors");
            var options = new SynthesisOptions { Architecture = ArchitectureId.Sd1, Scale = scale, Seed = (ulong)i + 1 };
            CheckpointFileWriter.Write(CheckpointSynthesizer.Plan(options), paths[i], overwrite: true, ConsoleCancel.Token);
        }

        DriftedPositionIds.Apply(paths[0]);

        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generated 3 SD1.5-layout checkpoints (scale 1/{scale}) in {dir}"));
        string output = Path.Combine(dir, "merged.safetensors");
        var recipe = new MergeRecipe
        {
            A = new MergeInput(paths[0]),
            B = new MergeInput(paths[1]),
            C = new MergeInput(paths[2]),
            Mode = MergeMode.AddDifference,
            Alpha = 0.5,
            WeightsAlpha = DemoWeights,
        };
        Console.Out.WriteLine($"fastmerge merge -a {paths[0]} -b {paths[1]} -c {paths[2]} --mode ad --weights-alpha {DemoWeights} -o {output} --overwrite");
        var mergeOptions = new MergeOptions { Overwrite = true, Device = MergeDevice.Cpu };
        MergeSummary summary = MergeCommand.Execute(recipe, output, mergeOptions, ConsoleCancel.Token);
        Console.Out.Write(summary.ToText());
        return ExitCodes.Ok;
    }
}
