using System.Diagnostics;
using Fast.Cli.CommandLine;

namespace Fast.Cli.Tests;

/// <summary>Issue 17: <c>fastmerge completions bash|zsh|pwsh</c> prints a script; the bash one completes in bash.</summary>
public sealed class CompletionScriptTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Theory]
    [InlineData("bash", "complete -o filenames -F _fastmerge fastmerge")]
    [InlineData("zsh", "#compdef fastmerge")]
    [InlineData("pwsh", "Register-ArgumentCompleter -Native -CommandName fastmerge")]
    public void Each_shell_gets_a_script_with_the_commands_and_options(string shell, string marker)
    {
        CliRunner.Result r = CliRunner.Run("completions", shell);
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains(marker, r.StdOut, StringComparison.Ordinal);
        foreach (string word in new[] { "merge", "bake", "replay", "--weights-alpha", "--no-nan-scan", "--clamp-quantile" })
        {
            Assert.Contains(word, r.StdOut, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_unknown_shell_is_exit_two()
    {
        CliRunner.Result r = CliRunner.Run("completions", "fish");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown shell 'fish'", r.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fastmerge me", "merge")]
    [InlineData("fastmerge l", "lora")]
    [InlineData("fastmerge lora b", "bake")]
    [InlineData("fastmerge merge -a x --weights-al", "--weights-alpha")]
    [InlineData("fastmerge check --no-n", "--no-nan-scan")]
    [InlineData("fastmerge lora extract --clamp", "--clamp-quantile")]
    [InlineData("fastmerge slothful plan --k-", "--k-blend")]
    public void Bash_completes_commands_and_options(string line, string expected)
    {
        string script = _dir.File("fastmerge.bash");
        File.WriteAllText(script, CompletionScripts.Bash(CliDefinition.Root));

        string[] words = line.Split(' ');
        string wordsArray = string.Join(' ', words.Select(w => $"'{w}'"));
        string probe = $"source '{script}'; COMP_WORDS=({wordsArray}); COMP_CWORD={words.Length - 1}; _fastmerge; printf '%s\\n' \"${{COMPREPLY[@]}}\"";
        string[] completions = Bash(probe).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Contains(expected, completions);
        Assert.All(completions, c => Assert.StartsWith(words[^1], c, StringComparison.Ordinal));
    }

    [Fact]
    public void Bash_does_not_offer_another_commands_options()
    {
        string script = _dir.File("fastmerge.bash");
        File.WriteAllText(script, CompletionScripts.Bash(CliDefinition.Root));
        string output = Bash($"source '{script}'; COMP_WORDS=(fastmerge hash --); COMP_CWORD=2; _fastmerge; printf '%s\\n' \"${{COMPREPLY[@]}}\"");
        Assert.Equal(["--help", "--json"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
    }

    public void Dispose() => _dir.Dispose();

    private static string Bash(string script)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        using Process p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"bash exit {p.ExitCode}: {stderr}");
        Assert.Equal(string.Empty, stderr);
        return stdout;
    }
}
