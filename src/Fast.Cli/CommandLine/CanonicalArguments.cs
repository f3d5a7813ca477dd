using System.CommandLine;
using System.CommandLine.Parsing;

namespace Fast.Cli.CommandLine;

/// <summary>
/// The adapter between System.CommandLine and the command bodies: the values System.CommandLine parsed (response files
/// expanded, every option known to the command) written back as <c>--name=value</c> per value, <c>--flag</c> per switch
/// and the positionals after <c>--</c>. <see cref="ArgumentReader"/> reads that unambiguously, so each command keeps
/// its own conversions, defaults and messages ("--threads must be an integer in [1, 1024]").
/// </summary>
internal static class CanonicalArguments
{
    public static string[] From(ParseResult result)
    {
        var options = new List<string>();
        var positionals = new List<string>();
        foreach (SymbolResult child in result.CommandResult.Children)
        {
            switch (child)
            {
                case OptionResult { Implicit: false } option when option.Option.Name != CliDefinition.HelpName:
                    string name = option.IdentifierToken?.Value ?? option.Option.Name;
                    if (option.Option.Arity.MaximumNumberOfValues == 0)
                    {
                        options.Add(name);
                    }
                    else
                    {
                        options.AddRange(option.Tokens.Select(t => $"{name}={t.Value}"));
                    }

                    break;
                case ArgumentResult argument:
                    positionals.AddRange(argument.Tokens.Select(t => t.Value));
                    break;
            }
        }

        // One OptionResult holds every occurrence; the name is written as the user first spelt it (-o or --output).
        return positionals.Count == 0 ? [.. options] : [.. options, "--", .. positionals];
    }
}
