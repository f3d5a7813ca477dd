using Fast.Cli.CommandLine;

namespace Fast.Cli.Tests;

/// <summary>Issue 17: every command and subcommand answers --help and -h with its options and examples, exit 0.</summary>
public sealed class CliHelpTests
{
    /// <summary>The commands the issue names; a command dropped from the declarations fails here.</summary>
    public static TheoryData<string> Commands() =>
    [
        "merge", "bulk", "synth", "inspect", "check", "fix", "extract", "diff", "presets", "hash", "convert", "demo",
        "lora bake", "lora extract", "lora merge", "slothful plan", "slothful replay", "lora", "slothful", "completions",
    ];

    [Theory]
    [MemberData(nameof(Commands))]
    public void Help_exits_zero_and_shows_the_options_and_examples(string command)
    {
        foreach (string flag in new[] { "--help", "-h" })
        {
            CliRunner.Result r = CliRunner.Run([.. command.Split(' '), flag]);
            Assert.True(r.ExitCode == 0, $"{command} {flag}: exit {r.ExitCode}: {r.StdErr}");
            Assert.Equal(string.Empty, r.StdErr);
            Assert.StartsWith($"fastmerge {command}: ", r.StdOut, StringComparison.Ordinal);
            Assert.Contains($"usage: fastmerge {command}", r.StdOut, StringComparison.Ordinal);
            Assert.Contains("options:\n", r.StdOut, StringComparison.Ordinal);
            Assert.Contains("  -h, --help", r.StdOut, StringComparison.Ordinal);
            Assert.Contains("examples:\n  ", r.StdOut, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Help_comes_before_the_checks_of_required_options()
    {
        // It used to answer "-a is required" (merge) and "unknown option --help" (check).
        CliRunner.Result r = CliRunner.Run("merge", "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("--weights-alpha LIST|PRESET", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("--models M1 M2 ...", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("--meta KEY=VALUE", r.StdOut, StringComparison.Ordinal);

        CliRunner.Result bulk = CliRunner.Run("bulk", "-h");
        Assert.Contains("-b B (repeatable)", bulk.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_declared_option_is_on_its_help_page()
    {
        foreach (CliCommand command in CliDefinition.AllCommands(CliDefinition.Root))
        {
            string help = HelpText.For(command);
            foreach (System.CommandLine.Option option in command.Options)
            {
                Assert.Contains(HelpText.Label(option), help, StringComparison.Ordinal);
                Assert.False(string.IsNullOrWhiteSpace(option.Description), $"{CliDefinition.PathOf(command)} {option.Name} has no description");
            }

            Assert.InRange(command.Examples.Count, 1, 3);
            Assert.All(command.Examples, e => Assert.Contains("fastmerge", e, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Top_level_help_lists_the_commands_and_the_exit_codes()
    {
        CliRunner.Result r = CliRunner.Run("--help");
        Assert.Equal(0, r.ExitCode);
        foreach (string command in new[] { "merge", "bulk", "lora", "slothful", "completions", "presets" })
        {
            Assert.Contains($"\n  {command} ", r.StdOut, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("\n  docs ", r.StdOut, StringComparison.Ordinal); // hidden
        Assert.Contains("exit codes:", r.StdOut, StringComparison.Ordinal);
        foreach (int code in new[] { 0, 1, 2, 3, 70, 130 })
        {
            Assert.Matches($"\n  {code} +[a-z]", r.StdOut);
        }
    }

    [Theory]
    [InlineData("--version")]
    [InlineData("version")]
    public void Version_prints_the_package_version(string flag)
    {
        CliRunner.Result r = CliRunner.Run(flag);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("fastmerge 0.1.0\n", r.StdOut);
    }

    [Fact]
    public void No_arguments_prints_the_help_and_exits_two()
    {
        CliRunner.Result r = CliRunner.Run();
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("usage: fastmerge COMMAND", r.StdOut, StringComparison.Ordinal);
    }
}
