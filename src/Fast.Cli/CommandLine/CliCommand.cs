using System.CommandLine;

namespace Fast.Cli.CommandLine;

/// <summary>
/// A System.CommandLine command with what its help page, the completion scripts and docs/cli.md need beyond the
/// options: a one-line synopsis, worked examples, and the body that runs it (null for a group such as <c>lora</c>).
/// </summary>
internal sealed class CliCommand(string name, string description) : Command(name, description)
{
    /// <summary>The usage line after <c>fastmerge</c>, e.g. <c>merge -a A -b B -o OUT [options]</c>.</summary>
    public required string Synopsis { get; init; }

    /// <summary>One to three command lines that work as written (given the files they name).</summary>
    public IReadOnlyList<string> Examples { get; init; } = [];

    /// <summary>
    /// The command body. It is given the parsed options back as <c>--name=value</c>/<c>--flag</c> arguments
    /// (<see cref="CanonicalArguments"/>), so its own checks and messages stay as they were.
    /// </summary>
    public Func<string[], int>? Handler { get; init; }

    /// <summary>Longer notes printed after the options (e.g. the two forms of <c>merge</c>).</summary>
    public string? Notes { get; init; }
}
