using System.Diagnostics;
using System.Globalization;
using Fast.Cli.CommandLine;
using Fast.Merging.Lora.Bake;
using Fast.Merging.Lora.Merge;
using Fast.SafeTensors;

namespace Fast.Cli.Commands;

/// <summary>
/// <c>fastmerge lora merge LORA[:STRENGTH[:PRESET|LIST]]… -o OUT [--mode sum|concat] [--same-strength]
/// [--dtype fp32|fp16|bf16] [--overwrite] [--no-mmap]</c>.
/// </summary>
internal static class LoraMergeCommand
{
    private static readonly Dictionary<string, LoraMergeMode> s_modes = new(StringComparer.Ordinal)
    {
        ["sum"] = LoraMergeMode.Sum,
        ["concat"] = LoraMergeMode.Concat,
    };

    private static readonly Dictionary<string, DType> s_dtypes = new(StringComparer.Ordinal)
    {
        ["fp32"] = DType.F32,
        ["fp16"] = DType.F16,
        ["bf16"] = DType.BF16,
    };

    public static int Run(string[] args)
    {
        var reader = new ArgumentReader("lora merge", args, new HashSet<string> { "--overwrite", "--no-mmap", "--same-strength" });
        var options = new LoraMergeOptions
        {
            Mode = reader.Choice("--mode", LoraMergeMode.Sum, s_modes),
            SameStrength = reader.Flag("--same-strength"),
            DType = reader.Choice("--dtype", DType.F32, s_dtypes),
            Overwrite = reader.Flag("--overwrite"),
            ReadMode = reader.Flag("--no-mmap") ? ReadMode.Buffered : ReadMode.Mapped,
        };
        string output = reader.Required("-o", "--output");
        reader.EnsureAllConsumed(maxPositionals: int.MaxValue);
        if (reader.Positionals.Count < 1)
        {
            throw new UsageException("lora merge: expected at least one LORA[:STRENGTH[:PRESET|LIST]]");
        }

        var loras = reader.Positionals.Select(LoraInput.Parse).ToList();
        var clock = Stopwatch.StartNew();
        int modules = LoraMerger.Merge(loras, output, options, ConsoleCancel.Token);
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{output}: {modules} modules in {Format.Duration(clock.Elapsed)}"));
        return ExitCodes.Ok;
    }
}
