using System.Diagnostics;
using System.Globalization;
using Fast.Cli.CommandLine;
using Fast.Merging.Doctor;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Cli.Commands;

/// <summary>
/// <c>fastmerge convert FILE -o OUT [--dtype …] [--prune] [--overwrite] [--no-mmap]</c>: a PyTorch
/// checkpoint (or a safetensors file) written as safetensors, tensors byte for byte unless
/// <c>--dtype</c> asks otherwise. The pickle is read by the restricted unpickler, never run. It is
/// <c>fix</c> with every repair off, so the two cannot drift apart.
/// </summary>
internal static class ConvertCommand
{
    public static int Run(string[] args)
    {
        var reader = new ArgumentReader("convert", args, new HashSet<string> { "--prune", "--overwrite", "--no-mmap" });
        var options = new FixOptions
        {
            PositionIds = PositionIdsPolicy.Keep,
            Prune = reader.Flag("--prune"),
            DType = RecipeNames.ParseOutputDType(reader.Value("--dtype") ?? "keep"),
            Overwrite = reader.Flag("--overwrite"),
            ReadMode = reader.Flag("--no-mmap") ? ReadMode.Buffered : ReadMode.Mapped,
            RecordFix = false,
        };
        string output = reader.Required("-o", "--output");
        reader.EnsureAllConsumed(maxPositionals: 1);
        if (reader.Positionals.Count != 1)
        {
            throw new UsageException("convert: expected one FILE");
        }

        var clock = Stopwatch.StartNew();
        FixResult r = ModelFixer.Fix(reader.Positionals[0], output, options, ConsoleCancel.Token);
        Console.Out.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{output}: {r.TensorCount} tensors in {Format.Duration(clock.Elapsed)}; pruned {r.Pruned}, converted {r.Converted}"));
        return ExitCodes.Ok;
    }
}
