using Fast.Cli.CommandLine;

namespace Fast.Cli.Declarations;

/// <summary>Hidden: <c>fastmerge docs --markdown</c> prints docs/cli.md (a test fails when the file is stale).</summary>
internal static class DocsDeclaration
{
    public static CliCommand Create()
    {
        var command = new CliCommand("docs", "print the command-line reference (docs/cli.md) generated from the declarations")
        {
            Synopsis = "docs --markdown",
            Handler = MarkdownReference.Run,
            Hidden = true,
        };
        command.Options.Add(CliOptions.Flag("--markdown", "as Markdown (required)"));
        return command;
    }
}
