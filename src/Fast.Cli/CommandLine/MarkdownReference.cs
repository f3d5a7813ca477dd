using System.CommandLine;
using System.Globalization;
using System.Text;

namespace Fast.Cli.CommandLine;

/// <summary>
/// docs/cli.md, the man-style reference, written from the same declarations as the parser and the help pages
/// (<c>fastmerge docs --markdown</c>; a test fails when the checked-in file differs).
/// </summary>
internal static class MarkdownReference
{
    public static int Run(string[] args)
    {
        var reader = new ArgumentReader("docs", args, new HashSet<string> { "--markdown" });
        bool markdown = reader.Flag("--markdown");
        reader.EnsureAllConsumed(maxPositionals: 0);
        if (!markdown)
        {
            throw new UsageException("docs: --markdown is required");
        }

        Console.Out.Write(Render(CliDefinition.Root));
        return ExitCodes.Ok;
    }

    public static string Render(CliCommand root)
    {
        var s = new StringBuilder();
        s.Append("# fastmerge command-line reference\n\n");
        s.Append("<!-- Generated from src/Fast.Cli/Declarations by `fastmerge docs --markdown`; do not edit by hand.\n");
        s.Append("     CliReferenceDocTests fails when this file is stale; FASTMERGE_UPDATE_DOCS=1 dotnet test tests/Fast.Cli.Tests rewrites it. -->\n\n");
        s.Append(root.Description).Append(".\n\n");
        s.Append("```\nfastmerge ").Append(root.Synopsis).Append("\nfastmerge --version\n```\n\n");
        s.Append(root.Notes).Append(" Shell completion: `fastmerge completions bash|zsh|pwsh`.\n\n");
        s.Append("## Exit codes\n\n");
        s.Append("The C ABI (native-compat/include/fastmerge.h) returns the status in the last column for the same outcome, and `fm_exit_code(status)` gives back the code of the first column.\n\n");
        s.Append("| code | meaning | C ABI status |\n|---:|---|---|\n");
        foreach (ExitCodeTable.Row row in ExitCodeTable.Rows)
        {
            s.Append(CultureInfo.InvariantCulture, $"| {row.Code} | {Cell(row.Meaning)} | {Cell(row.CStatus)} |\n");
        }

        s.Append("\n## Commands\n\n");
        foreach (CliCommand command in CliDefinition.AllCommands(root))
        {
            string path = CliDefinition.PathOf(command);
            s.Append("- [`fastmerge ").Append(path).Append("`](#").Append(Anchor(path)).Append(") — ").Append(command.Description).Append('\n');
        }

        foreach (CliCommand command in CliDefinition.AllCommands(root))
        {
            AppendCommand(s, command);
        }

        return s.ToString();
    }

    private static void AppendCommand(StringBuilder s, CliCommand command)
    {
        string path = CliDefinition.PathOf(command);
        s.Append("\n### fastmerge ").Append(path).Append("\n\n");
        s.Append(char.ToUpperInvariant(command.Description![0])).Append(command.Description[1..]).Append(".\n\n");
        s.Append("```\nfastmerge ").Append(command.Synopsis).Append("\n```\n\n");
        if (command.Arguments.Count > 0)
        {
            s.Append("| argument | description |\n|---|---|\n");
            foreach (Argument argument in command.Arguments)
            {
                s.Append($"| `{argument.Name}` | {Cell(argument.Description ?? string.Empty)} |\n");
            }

            s.Append('\n');
        }

        List<Option> options = [.. command.Options.Where(o => !o.Hidden)];
        if (command.Subcommands.Count > 0)
        {
            s.Append("Subcommands: ").Append(string.Join(", ", command.Subcommands.Select(c => $"[`{c.Name}`](#{Anchor(CliDefinition.PathOf(c))})"))).Append(".\n\n");
        }

        if (options.Count > 0)
        {
            s.Append("| option | description |\n|---|---|\n");
            foreach (Option option in options)
            {
                s.Append($"| `{Cell(HelpText.Label(option))}` | {Cell(option.Description ?? string.Empty)} |\n");
            }

            s.Append('\n');
        }

        if (command.Notes is { } notes)
        {
            s.Append(notes).Append("\n\n");
        }

        if (command.Examples.Count > 0)
        {
            s.Append("Examples:\n\n```sh\n");
            foreach (string example in command.Examples)
            {
                s.Append(example).Append('\n');
            }

            s.Append("```\n");
        }
    }

    /// <summary>GitHub's heading anchor for "fastmerge PATH".</summary>
    private static string Anchor(string path) => "fastmerge-" + path.Replace(' ', '-');

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
