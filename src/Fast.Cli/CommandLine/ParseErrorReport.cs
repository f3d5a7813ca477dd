using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Fast.Cli.CommandLine;

/// <summary>
/// One line for a command line the parser rejected: what is wrong, the closest known name ("did you mean
/// '--alpha'?"), and the command's usage with where to read more. The exit code is 2.
/// </summary>
internal static class ParseErrorReport
{
    public static string Describe(ParseResult result)
    {
        var command = (CliCommand)result.CommandResult.Command;
        string path = CliDefinition.PathOf(command);
        string prefix = path.Length == 0 ? string.Empty : path + ": ";
        string help = path.Length == 0 ? "fastmerge --help" : $"fastmerge {path} --help";
        return $"fastmerge: {prefix}{Problem(result, command)}; usage: fastmerge {command.Synopsis} (see '{help}')";
    }

    /// <summary>
    /// A word that looks like an option but was taken as a positional argument (a command with FILE... takes any
    /// word; only one after <c>--</c> is meant as a file): null when there is none.
    /// </summary>
    public static string? StrayOption(ParseResult result)
    {
        var afterDoubleDash = new HashSet<Token>(ReferenceEqualityComparer.Instance);
        bool after = false;
        foreach (Token token in result.Tokens)
        {
            if (after)
            {
                afterDoubleDash.Add(token);
            }

            after |= token.Type == TokenType.DoubleDash;
        }

        return result.CommandResult.Children.OfType<ArgumentResult>()
            .SelectMany(a => a.Tokens)
            .FirstOrDefault(t => IsOptionLike(t.Value) && !afterDoubleDash.Contains(t))?.Value;
    }

    private static string Problem(ParseResult result, CliCommand command)
    {
        string? stray = StrayOption(result);
        if (result.UnmatchedTokens.Count > 0 || stray is not null)
        {
            string token = stray ?? result.UnmatchedTokens[0];
            if (IsOptionLike(token))
            {
                string name = token.Split('=', ':')[0];
                return $"unknown option {name}{DidYouMean(name, HelpText.VisibleOptions(command).SelectMany(CliDefinition.Spellings))}";
            }

            if (command.Subcommands.Count > 0)
            {
                return $"unknown command '{token}'{DidYouMean(token, command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}";
            }

            return $"unexpected argument '{token}'";
        }

        ParseError error = result.Errors[0];
        if (error.SymbolResult is OptionResult option && option.Tokens.Count == 0 && option.Option.Arity.MinimumNumberOfValues > 0)
        {
            return $"option {option.IdentifierToken?.Value ?? option.Option.Name} needs a value";
        }

        // Anything else the parser reports (a response file that cannot be read, …) is already one sentence.
        return error.Message.ReplaceLineEndings(" ").Trim().TrimEnd('.');
    }

    private static string DidYouMean(string typed, IEnumerable<string> candidates) =>
        Suggestions.Closest(typed, candidates) is { } close ? $" (did you mean '{close}'?)" : string.Empty;

    private static bool IsOptionLike(string token) =>
        token.Length > 1 && token[0] == '-' && !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
