using Fast.Cli.CommandLine;

namespace Fast.Cli.Tests;

/// <summary>
/// docs/cli.md is generated from the command declarations: this fails when it is stale. Regenerate it with
/// <c>FASTMERGE_UPDATE_DOCS=1 dotnet test tests/Fast.Cli.Tests -c Release --filter CliReferenceDocTests</c>.
/// </summary>
public sealed class CliReferenceDocTests
{
    [Fact]
    public void Docs_cli_md_matches_the_declarations()
    {
        string path = RepositoryFiles.PathOf("docs", "cli.md");
        string expected = MarkdownReference.Render(CliDefinition.Root);
        if (Environment.GetEnvironmentVariable("FASTMERGE_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, expected);
        }

        Assert.True(File.Exists(path), $"{path} is missing; run with FASTMERGE_UPDATE_DOCS=1 to write it");
        Assert.True(
            File.ReadAllText(path) == expected,
            "docs/cli.md is stale (the declarations changed); run FASTMERGE_UPDATE_DOCS=1 dotnet test tests/Fast.Cli.Tests -c Release --filter CliReferenceDocTests");
    }

    [Fact]
    public void The_hidden_docs_command_prints_the_same_reference()
    {
        CliRunner.Result r = CliRunner.Run("docs", "--markdown");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(MarkdownReference.Render(CliDefinition.Root), r.StdOut);
    }

    [Fact]
    public void The_reference_has_every_command_and_the_exit_code_table()
    {
        string doc = MarkdownReference.Render(CliDefinition.Root);
        foreach (CliCommand command in CliDefinition.AllCommands(CliDefinition.Root))
        {
            Assert.Contains($"\n### fastmerge {CliDefinition.PathOf(command)}\n", doc, StringComparison.Ordinal);
        }

        foreach (ExitCodeTable.Row row in ExitCodeTable.Rows)
        {
            Assert.Contains($"| {row.Code} | ", doc, StringComparison.Ordinal);
        }
    }
}
