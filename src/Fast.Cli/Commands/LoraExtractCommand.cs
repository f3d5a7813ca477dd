using System.Diagnostics;
using System.Globalization;
using Fast.Cli.CommandLine;
using Fast.Merging.Lora.Extract;
using Fast.SafeTensors;

namespace Fast.Cli.Commands;

/// <summary>
/// <c>fastmerge lora extract TUNED BASE --rank R -o OUT [--conv-rank R] [--clamp-quantile Q | --no-clamp]
/// [--min-diff X] [--dtype fp32|fp16|bf16] [--threads N] [--overwrite] [--no-mmap]</c>.
/// </summary>
internal static class LoraExtractCommand
{
    private static readonly Dictionary<string, DType> s_dtypes = new(StringComparer.Ordinal)
    {
        ["fp32"] = DType.F32,
        ["fp16"] = DType.F16,
        ["bf16"] = DType.BF16,
    };

    public static int Run(string[] args)
    {
        var reader = new ArgumentReader("lora extract", args, new HashSet<string> { "--overwrite", "--no-mmap", "--no-clamp" });
        if (reader.Value("--rank") is null)
        {
            throw new UsageException("lora extract: --rank R is required");
        }

        int rank = reader.Int("--rank", 4, min: 1, max: 4096);
        int convRank = reader.Int("--conv-rank", 0, min: 1, max: 4096);
        bool noClamp = reader.Flag("--no-clamp");
        double quantile = reader.Double("--clamp-quantile", 0.99);
        var options = new LoraExtractOptions
        {
            Rank = rank,
            ConvRank = convRank > 0 ? convRank : null,
            ClampQuantile = noClamp ? null : quantile,
            MinDiff = reader.Double("--min-diff", 0.01),
            DType = reader.Choice("--dtype", DType.F32, s_dtypes),
            Threads = reader.Int("--threads", 0, min: 0, max: 4096),
            Overwrite = reader.Flag("--overwrite"),
            ReadMode = reader.Flag("--no-mmap") ? ReadMode.Buffered : ReadMode.Mapped,
        };
        string output = reader.Required("-o", "--output");
        reader.EnsureAllConsumed(maxPositionals: 2);
        if (reader.Positionals.Count != 2)
        {
            throw new UsageException("lora extract: expected TUNED and BASE");
        }

        var clock = Stopwatch.StartNew();
        LoraExtractResult r = LoraExtractor.Extract(reader.Positionals[0], reader.Positionals[1], output, options, ConsoleCancel.Token);
        Console.Out.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{output}: {r.Modules} modules (text encoder {(r.TextEncoderIncluded ? "included" : "unchanged, left out")}) in {Format.Duration(clock.Elapsed)}"));
        return ExitCodes.Ok;
    }
}
