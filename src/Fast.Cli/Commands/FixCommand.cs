using System.Diagnostics;
using System.Globalization;
using Fast.Cli.CommandLine;
using Fast.Merging.Doctor;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Cli.Commands;

/// <summary>
/// <c>fastmerge fix FILE -o OUT [--position-ids reset|keep] [--prune] [--dtype …] [--vae FILE] [--clip FILE] [--rename-nai] [--nan-to-num]</c>:
/// a repaired copy of a checkpoint; the input is never written.
/// </summary>
internal static class FixCommand
{
    private static readonly Dictionary<string, PositionIdsPolicy> s_policies = new(StringComparer.Ordinal)
    {
        ["reset"] = PositionIdsPolicy.Reset,
        ["keep"] = PositionIdsPolicy.Keep,
    };

    public static int Run(string[] args)
    {
        var reader = new ArgumentReader("fix", args, new HashSet<string> { "--prune", "--rename-nai", "--nan-to-num", "--overwrite", "--no-mmap" });
        var options = new FixOptions
        {
            PositionIds = reader.Choice("--position-ids", PositionIdsPolicy.Reset, s_policies),
            Prune = reader.Flag("--prune"),
            DType = RecipeNames.ParseOutputDType(reader.Value("--dtype") ?? "keep"),
            VaePath = reader.Value("--vae"),
            ClipPath = reader.Value("--clip"),
            RenameNai = reader.Flag("--rename-nai"),
            NanToNum = reader.Flag("--nan-to-num"),
            Overwrite = reader.Flag("--overwrite"),
            ReadMode = reader.Flag("--no-mmap") ? ReadMode.Buffered : ReadMode.Mapped,
        };
        string output = reader.Required("-o", "--output");
        reader.EnsureAllConsumed(maxPositionals: 1);
        if (reader.Positionals.Count != 1)
        {
            throw new UsageException("fix: expected one FILE");
        }

        var clock = Stopwatch.StartNew();
        FixResult r = ModelFixer.Fix(reader.Positionals[0], output, options, ConsoleCancel.Token);
        Console.Out.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{output}: {r.TensorCount} tensors in {Format.Duration(clock.Elapsed)}; position ids reset {r.PositionIdsReset}, pruned {r.Pruned}, converted {r.Converted}, renamed {r.Renamed}, VAE tensors {r.VaeReplaced}, text-encoder tensors {r.ClipReplaced}, NaN/Inf replaced {r.NonFiniteReplaced}"));
        return ExitCodes.Ok;
    }
}
