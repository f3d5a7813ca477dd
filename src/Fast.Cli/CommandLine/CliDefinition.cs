using System.CommandLine;
using System.Reflection;
using Fast.Cli.Declarations;

namespace Fast.Cli.CommandLine;

/// <summary>
/// The whole command tree, built once from the declarations (src/Fast.Cli/Declarations). The parser, every help page,
/// the completion scripts and docs/cli.md are all made from it.
/// </summary>
internal static class CliDefinition
{
    public const string HelpName = "--help";

    private static readonly Lazy<CliCommand> s_root = new(Build);

    public static CliCommand Root => s_root.Value;

    /// <summary>The version as the packages carry it (0.1.0), without the commit suffix.</summary>
    public static string Version { get; } =
        (typeof(CliDefinition).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown").Split('+')[0];

    /// <summary>The words after <c>fastmerge</c> that name <paramref name="command"/> (empty for the root).</summary>
    public static string PathOf(Command command)
    {
        var words = new List<string>();
        for (Command? c = command; c is not null && c != Root; c = ParentOf(c))
        {
            words.Insert(0, c.Name);
        }

        return string.Join(' ', words);
    }

    public static Command? ParentOf(Command command) => command.Parents.OfType<Command>().FirstOrDefault();

    /// <summary>Every visible command below the root, depth first, in declaration order.</summary>
    public static IEnumerable<CliCommand> AllCommands(CliCommand from)
    {
        foreach (CliCommand sub in from.Subcommands.OfType<CliCommand>().Where(c => !c.Hidden))
        {
            yield return sub;
            foreach (CliCommand nested in AllCommands(sub))
            {
                yield return nested;
            }
        }
    }

    /// <summary>The option's spellings, short ones first (<c>-o, --output</c>).</summary>
    public static IEnumerable<string> Spellings(Option option) =>
        new[] { option.Name }.Concat(option.Aliases).OrderBy(a => a.StartsWith("--", StringComparison.Ordinal) ? 1 : 0);

    private static CliCommand Build()
    {
        var root = new CliCommand("fastmerge", "fast, exact Stable Diffusion checkpoint merging (safetensors)")
        {
            Synopsis = "COMMAND [options]",
            Examples = ["fastmerge demo", "fastmerge merge --help", "fastmerge merge @merge-args.rsp"],
            Notes = "Any argument @FILE is replaced by the arguments in FILE (one or more per line; a line starting with # is a comment). "
                + "'fastmerge COMMAND --help' shows a command's options and examples.",
        };
        root.Options.Add(new Option<bool>(HelpName, "-h") { Description = "show help for the command", Arity = ArgumentArity.Zero, Recursive = true });
        root.Options.Add(new Option<bool>("--version") { Description = "print the version", Arity = ArgumentArity.Zero });
        CliCommand[] commands =
        [
            DemoDeclaration.Create(),
            MergeDeclaration.Create(),
            BulkDeclaration.Create(),
            SynthDeclaration.Create(),
            InspectDeclaration.Create(),
            CheckDeclaration.Create(),
            FixDeclaration.Create(),
            ExtractDeclaration.Create(),
            DiffDeclaration.Create(),
            PresetsDeclaration.Create(),
            HashDeclaration.Create(),
            ConvertDeclaration.Create(),
            LoraDeclaration.Create(),
            SlothfulDeclaration.Create(),
            CompletionsDeclaration.Create(),
            DocsDeclaration.Create(),
        ];
        foreach (CliCommand command in commands)
        {
            root.Subcommands.Add(command);
        }

        return root;
    }
}
