using Fast.Cli.CommandLine;

namespace Fast.Cli.Commands;

/// <summary><c>fastmerge lora SUBCOMMAND …</c>: LoRA operations on checkpoints.</summary>
internal static class LoraCommand
{
    private static readonly Dictionary<string, Func<string[], int>> s_subcommands = new(StringComparer.Ordinal)
    {
        ["bake"] = LoraBakeCommand.Run,
        ["extract"] = LoraExtractCommand.Run,
        ["merge"] = LoraMergeCommand.Run,
    };

    public static int Run(string[] args)
    {
        if (args.Length == 0 || !s_subcommands.TryGetValue(args[0], out Func<string[], int>? sub))
        {
            throw new UsageException($"lora: expected one of {string.Join('|', s_subcommands.Keys)}{(args.Length == 0 ? string.Empty : $", got '{args[0]}'")}");
        }

        return sub(args[1..]);
    }
}
