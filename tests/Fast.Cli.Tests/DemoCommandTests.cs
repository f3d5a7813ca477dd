namespace Fast.Cli.Tests;

public class DemoCommandTests
{
    [Fact]
    public void DemoGeneratesAndMerges()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run("demo", "--dir", dir.Path, "--scale", "64");
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.True(File.Exists(Path.Combine(dir.Path, "merged.safetensors")));
        var inspect = CliRunner.Run("inspect", Path.Combine(dir.Path, "merged.safetensors"));
        Assert.Equal(0, inspect.ExitCode);
        Assert.Contains("1131 tensors", inspect.StdOut, StringComparison.Ordinal);
    }
}
