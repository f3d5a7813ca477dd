using System.Diagnostics;
using System.Globalization;
using Fast.Cli.CommandLine;
using Fast.Merging.Synthesis;

namespace Fast.Cli.Commands;

/// <summary><c>fastmerge synth</c>: a synthetic checkpoint with the real SD key names and shapes.</summary>
internal static class SynthCommand
{
    public static int Run(string[] args)
    {
        var reader = new ArgumentReader("synth", args, new HashSet<string> { "--ema", "--junk", "--overwrite", "--scheduler" });
        var options = new SynthesisOptions
        {
            Architecture = SynthesisOptions.ParseArchitecture(reader.Required("--arch")),
            Scale = reader.Int("--scale", 1, 1, 64),
            DType = SyntheticDTypes.ParseFloating(reader.Value("--dtype") ?? "fp16"),
            Seed = reader.UInt64("--seed", 0),
            IncludeEma = reader.Flag("--ema"),
            IncludeJunk = reader.Flag("--junk"),
            IncludeSchedulerBuffers = reader.Flag("--scheduler"),
        };
        string output = reader.Required("-o", "--output");
        bool overwrite = reader.Flag("--overwrite");
        reader.EnsureAllConsumed(maxPositionals: 0);

        var clock = Stopwatch.StartNew();
        SynthesisPlan plan = CheckpointSynthesizer.Plan(options);
        CheckpointFileWriter.Write(plan, output, overwrite, ConsoleCancel.Token);
        Console.Out.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{output}: {plan.Tensors.Count} tensors, {plan.TotalElements:N0} parameters, {Format.Bytes(new FileInfo(output).Length)} in {Format.Duration(clock.Elapsed)}"));
        return ExitCodes.Ok;
    }
}
