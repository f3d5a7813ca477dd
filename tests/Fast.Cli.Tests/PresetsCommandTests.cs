namespace Fast.Cli.Tests;

/// <summary><c>fastmerge presets</c> lists every preset the weight flags accept, with its values.</summary>
public sealed class PresetsCommandTests
{
    [Fact]
    public void Every_preset_is_listed_with_its_values()
    {
        CliRunner.Result r = CliRunner.Run("presets");
        Assert.Equal(0, r.ExitCode);
        foreach (string name in Fast.Merging.Blocks.BlockWeightPresets.Names)
        {
            Assert.True(Fast.Merging.Blocks.BlockWeightPresets.TryGetText(name, out string text));
            Assert.Contains($"{name}", r.StdOut, StringComparison.Ordinal);
            Assert.Contains(text, r.StdOut, StringComparison.Ordinal);
        }

        using var json = System.Text.Json.JsonDocument.Parse(CliRunner.Run("presets", "--json").StdOut);
        Assert.Equal(Fast.Merging.Blocks.BlockWeightPresets.Names.Count, json.RootElement.EnumerateObject().Count());
    }
}
