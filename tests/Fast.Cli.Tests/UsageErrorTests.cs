namespace Fast.Cli.Tests;

public class UsageErrorTests
{
    [Fact]
    public void UnknownCommandExitsTwoWithOneLine()
    {
        var r = CliRunner.Run("frobnicate");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown command 'frobnicate'", r.StdErr, StringComparison.Ordinal);
        Assert.Single(r.StdErr.Trim().Split('\n'));
    }

    [Fact]
    public void UnknownFlagExitsTwo()
    {
        var r = CliRunner.Run("inspect", "x.safetensors", "--frob");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown option --frob", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFileNamesTheFile()
    {
        using var dir = new TempDir();
        string missing = dir.File("nope.safetensors");
        var r = CliRunner.Run("inspect", missing);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("nope.safetensors", r.StdErr, StringComparison.Ordinal);
        Assert.Single(r.StdErr.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedFileNamesFileAndRule()
    {
        using var dir = new TempDir();
        string bad = dir.File("bad.safetensors");
        File.WriteAllBytes(bad, [1, 2, 3]);
        var r = CliRunner.Run("inspect", bad);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("bad.safetensors", r.StdErr, StringComparison.Ordinal);
        Assert.Single(r.StdErr.Trim().Split('\n'));
    }

    [Fact]
    public void HelpExitsZero()
    {
        var r = CliRunner.Run("--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("fastmerge", r.StdOut, StringComparison.Ordinal);
    }
}
