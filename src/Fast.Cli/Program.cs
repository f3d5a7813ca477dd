using System.CommandLine;
using Fast.Cli.CommandLine;

namespace Fast.Cli;

/// <summary>
/// Entry point: System.CommandLine parses the line against the declarations (CliDefinition), help, version and parse
/// errors are answered here, and the chosen command runs with every failure turned into one line and an exit code.
/// </summary>
internal static class Program
{
    // A static root: the registrations must not be collected (their finalizers would restore the default handlers).
    private static IDisposable? s_signals;

    private static int Main(string[] args)
    {
        CliCommand root = CliDefinition.Root;
        if (args.Length == 0)
        {
            Console.Out.Write(HelpText.For(root));
            return ExitCodes.Usage;
        }

        // Spellings older releases took, kept for scripts.
        if (args is ["help"] or ["-help"])
        {
            Console.Out.Write(HelpText.For(root));
            return ExitCodes.Ok;
        }

        if (args is ["version"])
        {
            args = ["--version"];
        }

        // Response files (@FILE) are expanded by the parser; POSIX bundling is off so that a value such as -0.5 or a
        // file named -ab is never read as a bundle of short options.
        ParseResult result = root.Parse(args, new ParserConfiguration { EnablePosixBundling = false });
        var command = (CliCommand)result.CommandResult.Command;
        if (result.CommandResult.Children.OfType<System.CommandLine.Parsing.OptionResult>().Any(o => o.Option.Name == CliDefinition.HelpName && !o.Implicit))
        {
            Console.Out.Write(HelpText.For(command));
            return ExitCodes.Ok;
        }

        if (command == root && result.GetResult(root.Options.First(o => o.Name == "--version")) is { Implicit: false } && result.UnmatchedTokens.Count == 0)
        {
            Console.Out.WriteLine($"fastmerge {CliDefinition.Version}");
            return ExitCodes.Ok;
        }

        if (command.Handler is null && result.UnmatchedTokens.Count == 0)
        {
            string path = CliDefinition.PathOf(command);
            string choices = string.Join('|', command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
            Console.Error.WriteLine(path.Length == 0
                ? "fastmerge: expected a command; see 'fastmerge --help'"
                : $"fastmerge: {path}: expected one of {choices}; see 'fastmerge {path} --help'");
            return ExitCodes.Usage;
        }

        if (result.Errors.Count > 0 || ParseErrorReport.StrayOption(result) is not null)
        {
            Console.Error.WriteLine(ParseErrorReport.Describe(result));
            return ExitCodes.Usage;
        }

        if (command.Handler is not { } handler)
        {
            Console.Error.WriteLine(ParseErrorReport.Describe(result));
            return ExitCodes.Usage;
        }

        string[] arguments = CanonicalArguments.From(result);
        // Listening until the process ends, not just until the command returns: a Ctrl+C that lands between the
        // command's last word and the exit would otherwise meet the runtime's default handler and end the process
        // with 130 and no message after the output was complete and reported. The token source lives as long.
        s_signals = ConsoleCancel.Listen(new CancellationTokenSource());
        FileSizeLimitSignal.Ignore();

        return ErrorReporter.Run(() => handler(arguments));
    }
}
