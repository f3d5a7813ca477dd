using System.CommandLine;
using Fast.Cli.CommandLine;

namespace Fast.Cli.Declarations;

/// <summary>Options several commands take, spelt and described once.</summary>
internal static class SharedOptions
{
    public const string DTypes = "keep|fp16|bf16|fp32|fp8_e4m3|fp8_e5m2";

    public static Option Output(string description = "the output file (written to a temp file, then renamed into place)") =>
        CliOptions.Value("--output", "OUT", description, "-o");

    public static Option Overwrite() => CliOptions.Flag("--overwrite", "replace an existing output (never an input)");

    public static Option NoMmap() => CliOptions.Flag("--no-mmap", "read the inputs with buffered reads instead of memory maps");

    public static Option Json(string what = "the result") => CliOptions.Flag("--json", $"print {what} as JSON");

    public static Option Threads(string fallback = "all cores") => CliOptions.Value("--threads", "N", $"worker threads (default: {fallback})");

    public static Option DType(string choices = DTypes) => CliOptions.Value("--dtype", choices, "the output's floating-point type (default keep)");

    public static Option NoOutputHash() => CliOptions.Flag("--no-output-hash", "do not hash the output while it is written (its sha256 is not recorded)");

    public static Option NoFsync() => CliOptions.Flag("--no-fsync", "do not flush the output to disk before the rename (faster, as cp; not durable on power loss)");

    /// <summary>Adds every option to the command.</summary>
    public static void AddTo(Command command, params Option[] options)
    {
        foreach (Option option in options)
        {
            command.Options.Add(option);
        }
    }
}
