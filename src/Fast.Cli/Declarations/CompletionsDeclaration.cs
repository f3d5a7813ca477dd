using Fast.Cli.CommandLine;

namespace Fast.Cli.Declarations;

internal static class CompletionsDeclaration
{
    public static CliCommand Create()
    {
        var command = new CliCommand("completions", "print a shell completion script for bash, zsh or PowerShell")
        {
            Synopsis = "completions bash|zsh|pwsh",
            Handler = CompletionScripts.Run,
            Examples =
            [
                "source <(fastmerge completions bash)",
                "fastmerge completions zsh > \"${fpath[1]}/_fastmerge\"",
                "fastmerge completions pwsh | Out-String | Invoke-Expression",
            ],
        };
        command.Arguments.Add(CliOptions.Positionals("SHELL", "bash, zsh or pwsh", max: 1));
        return command;
    }
}
