using System.CommandLine;
using System.Text;

namespace Fast.Cli.CommandLine;

/// <summary>The help page of a command (or of <c>fastmerge</c> itself), rendered from its declaration.</summary>
internal static class HelpText
{
    private const int Width = 110;
    private const int LabelWidth = 34;

    public static string For(CliCommand command)
    {
        var text = new StringBuilder();
        string path = CliDefinition.PathOf(command);
        bool root = command == CliDefinition.Root;
        text.Append(root ? $"fastmerge {CliDefinition.Version}: {command.Description}" : $"fastmerge {path}: {command.Description}").Append('\n');
        text.Append('\n').Append("usage: fastmerge ").Append(command.Synopsis).Append('\n');

        List<CliCommand> subcommands = [.. command.Subcommands.OfType<CliCommand>().Where(c => !c.Hidden)];
        if (subcommands.Count > 0)
        {
            text.Append('\n').Append("commands:\n");
            foreach (CliCommand sub in subcommands)
            {
                AppendEntry(text, sub.Name, sub.Description ?? string.Empty);
            }
        }

        if (command.Arguments.Count > 0)
        {
            text.Append('\n').Append("arguments:\n");
            foreach (Argument argument in command.Arguments)
            {
                AppendEntry(text, argument.Name, argument.Description ?? string.Empty);
            }
        }

        text.Append('\n').Append("options:\n");
        foreach (Option option in VisibleOptions(command))
        {
            AppendEntry(text, Label(option), option.Description ?? string.Empty);
        }

        if (command.Notes is { } notes)
        {
            text.Append('\n');
            foreach (string line in Wrap(notes, Width))
            {
                text.Append(line).Append('\n');
            }
        }

        if (command.Examples.Count > 0)
        {
            text.Append('\n').Append("examples:\n");
            foreach (string example in command.Examples)
            {
                text.Append("  ").Append(example).Append('\n');
            }
        }

        if (root)
        {
            text.Append('\n').Append("exit codes:\n");
            foreach (ExitCodeTable.Row row in ExitCodeTable.Rows)
            {
                AppendEntry(text, row.Code.ToString(System.Globalization.CultureInfo.InvariantCulture), row.Meaning);
            }
        }

        return text.ToString();
    }

    /// <summary>The command's options, then the ones it inherits (<c>--help</c>), as the parser sees them.</summary>
    public static IEnumerable<Option> VisibleOptions(Command command)
    {
        var inherited = new List<Option>();
        for (Command? parent = CliDefinition.ParentOf(command); parent is not null; parent = CliDefinition.ParentOf(parent))
        {
            inherited.AddRange(parent.Options.Where(o => o.Recursive));
        }

        return command.Options.Concat(inherited).Where(o => !o.Hidden).Distinct();
    }

    /// <summary><c>-o, --output OUT</c>; a repeatable option says so, a list option shows its values.</summary>
    public static string Label(Option option)
    {
        string names = string.Join(", ", CliDefinition.Spellings(option));
        if (option.Arity.MaximumNumberOfValues == 0)
        {
            return names;
        }

        string repeat = CliOptions.IsRepeatable(option) ? " (repeatable)" : string.Empty;
        return $"{names} {option.HelpName}{repeat}";
    }

    private static void AppendEntry(StringBuilder text, string label, string description)
    {
        List<string> lines = Wrap(description, Width - LabelWidth - 4);
        if (label.Length > LabelWidth)
        {
            text.Append("  ").Append(label).Append('\n');
        }
        else
        {
            text.Append("  ").Append(label.PadRight(LabelWidth)).Append("  ").Append(lines.Count > 0 ? lines[0] : string.Empty).Append('\n');
            lines = [.. lines.Skip(1)];
        }

        foreach (string line in lines)
        {
            text.Append(' ', LabelWidth + 4).Append(line).Append('\n');
        }
    }

    /// <summary>Words filled into lines of at most <paramref name="width"/> characters (a longer word gets a line of its own).</summary>
    public static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                lines.Add(line.ToString());
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : string.Empty).Append(word);
        }

        if (line.Length > 0)
        {
            lines.Add(line.ToString());
        }

        return lines;
    }
}
