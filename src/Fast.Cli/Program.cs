using Fast.Cli.Commands;
using Fast.Cli.Commands.Slothful;
using Fast.Cli.CommandLine;

namespace Fast.Cli;

/// <summary>Entry point: picks the command and turns every failure into one line and an exit code.</summary>
internal static class Program
{
    private static readonly Dictionary<string, Func<string[], int>> s_commands = new(StringComparer.Ordinal)
    {
        ["demo"] = DemoCommand.Run,
        ["synth"] = SynthCommand.Run,
        ["merge"] = MergeCommand.Run,
        ["bulk"] = BulkCommand.Run,
        ["inspect"] = InspectCommand.Run,
        ["check"] = CheckCommand.Run,
        ["fix"] = FixCommand.Run,
        ["extract"] = ExtractCommand.Run,
        ["hash"] = HashCommand.Run,
        ["convert"] = ConvertCommand.Run,
        ["slothful"] = SlothfulCommand.Run,
        ["lora"] = LoraCommand.Run,
        ["diff"] = DiffCommand.Run,
        ["presets"] = PresetsCommand.Run,
    };

    private static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.Out.Write(Usage.Text);
            return args.Length == 0 ? ExitCodes.Usage : ExitCodes.Ok;
        }

        if (args[0] is "--version" or "version")
        {
            Console.Out.WriteLine($"fastmerge {typeof(Program).Assembly.GetName().Version?.ToString(3)}"); // 0.1.0, as the C ABI and the Python package say
            return ExitCodes.Ok;
        }

        if (!s_commands.TryGetValue(args[0], out Func<string[], int>? command))
        {
            Console.Error.WriteLine($"fastmerge: unknown command '{args[0]}' (try 'fastmerge --help')");
            return ExitCodes.Usage;
        }

        using var cancellation = new CancellationTokenSource();
        using IDisposable signals = ConsoleCancel.Listen(cancellation);
        FileSizeLimitSignal.Ignore();

        return ErrorReporter.Run(() => command(args[1..]));
    }
}
