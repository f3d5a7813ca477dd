using System.CommandLine;

namespace Fast.Cli.CommandLine;

/// <summary>
/// The three kinds of option the commands take. Values stay strings: each command converts and checks them itself
/// (<see cref="ArgumentReader"/>), so the messages for a bad number or name are the command's own.
/// </summary>
internal static class CliOptions
{
    // Value and Repeated parse alike (every occurrence is kept; the command reads the last or all of them); only the
    // help and docs tell them apart.
    private static readonly HashSet<Option> s_repeatable = [];

    /// <summary>A switch without a value (<c>--json</c>).</summary>
    public static Option<bool> Flag(string name, string description, params string[] aliases) =>
        new(name, aliases) { Description = description, Arity = ArgumentArity.Zero };

    /// <summary>
    /// An option with one value (<c>--alpha 0.3</c>). Given twice, the last one counts, as it always has (a script may
    /// append an override to a stored command line).
    /// </summary>
    public static Option<string[]> Value(string name, string valueName, string description, params string[] aliases) =>
        new(name, aliases) { Description = description, HelpName = valueName, Arity = ArgumentArity.OneOrMore };

    /// <summary>An option that may be repeated, one value each time (<c>-b B1 -b B2</c>, <c>--meta K=V</c>).</summary>
    public static Option<string[]> Repeated(string name, string valueName, string description, params string[] aliases)
    {
        var option = new Option<string[]>(name, aliases) { Description = description, HelpName = valueName, Arity = ArgumentArity.OneOrMore };
        s_repeatable.Add(option);
        return option;
    }

    /// <summary>True for an option whose every occurrence counts (<see cref="Repeated"/>), as its help says.</summary>
    public static bool IsRepeatable(Option option) => s_repeatable.Contains(option);

    /// <summary>An option that takes every following value up to the next option (<c>--models M1 M2 M3</c>).</summary>
    public static Option<string[]> List(string name, string valueName, string description) =>
        new(name) { Description = description, HelpName = valueName, Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = true };

    /// <summary>Positional arguments; how many a command needs is checked by the command (its message names them).</summary>
    public static Argument Positionals(string name, string description, int max) => max == 1
        ? new Argument<string>(name) { Description = description, Arity = ArgumentArity.ZeroOrOne }
        : new Argument<string[]>(name) { Description = description, Arity = new ArgumentArity(0, max) };
}
