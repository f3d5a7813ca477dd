using System.Text.Json;

namespace Fast.Cli.Tests;

/// <summary><c>inspect --lineage</c>, <c>merge --meta</c> and <c>merge -o DIR/</c> (issue 17).</summary>
public class LineageCliTests : IClassFixture<SyntheticModels>
{
    private readonly SyntheticModels _models;

    public LineageCliTests(SyntheticModels models) => _models = models;

    [Fact]
    public void Inspect_lineage_shows_a_merge_of_two_merges_two_generations_deep()
    {
        using var dir = new TempDir();
        string left = dir.File("left.safetensors"), right = dir.File("right.safetensors"), top = dir.File("top.safetensors");
        Ok(CliRunner.Run("merge", "-a", _models.Sd1A, "-b", _models.Sd1B, "--alpha", "0.3", "-o", left));
        Ok(CliRunner.Run("merge", "-a", _models.Sd1B, "-b", _models.Sd1C, "--alpha", "0.6", "-o", right));
        Ok(CliRunner.Run("merge", "-a", left, "-b", right, "--alpha", "0.5", "-o", top, "--meta", "modelspec.author=someone", "--meta", "note=a=b"));

        var text = CliRunner.Run("inspect", top, "--lineage");
        Ok(text);
        Assert.Contains("lineage depth 2", text.StdOut, StringComparison.Ordinal);
        Assert.Contains("A: left.safetensors", text.StdOut, StringComparison.Ordinal);
        Assert.Contains("B: right.safetensors", text.StdOut, StringComparison.Ordinal);
        Assert.Contains("A: " + Path.GetFileName(_models.Sd1A), text.StdOut, StringComparison.Ordinal);

        var json = CliRunner.Run("inspect", top, "--lineage", "--json");
        Ok(json);
        using JsonDocument tree = JsonDocument.Parse(json.StdOut);
        Assert.Equal(2, tree.RootElement.GetProperty("depth").GetInt32());
        JsonElement parents = tree.RootElement.GetProperty("tree").GetProperty("parents");
        Assert.Equal(["left.safetensors", "right.safetensors"], parents.EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(2, parents[1].GetProperty("parents").GetArrayLength());

        using JsonDocument inspected = InspectJson.Of(top);
        JsonElement metadata = inspected.RootElement.GetProperty("metadata");
        Assert.Equal("someone", metadata.GetProperty("modelspec.author").GetString());
        Assert.Equal("a=b", metadata.GetProperty("note").GetString());
        Assert.Equal("left_x_right_ws0.5", metadata.GetProperty("modelspec.title").GetString());

        // A model that is not a merge has a lineage of depth 0.
        var plain = CliRunner.Run("inspect", _models.Sd1A, "--lineage");
        Ok(plain);
        Assert.Contains("lineage depth 0", plain.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_folder_with_a_slash_is_named_from_the_recipe()
    {
        using var dir = new TempDir();
        Ok(CliRunner.Run("merge", "-a", _models.Sd1A, "-b", _models.Sd1B, "--alpha", "0.3", "-o", dir.Path + "/"));
        string file = Assert.Single(Directory.GetFiles(dir.Path));
        Assert.Matches($"^{Path.GetFileNameWithoutExtension(_models.Sd1A)}_x_{Path.GetFileNameWithoutExtension(_models.Sd1B)}_ws0.3_[0-9a-f]{{8}}\\.safetensors$", Path.GetFileName(file));
    }

    [Theory]
    [InlineData("novalue")]
    [InlineData("=x")]
    public void Meta_without_a_key_is_a_usage_error(string entry)
    {
        using var dir = new TempDir();
        var r = CliRunner.Run("merge", "-a", _models.Sd1A, "-b", _models.Sd1B, "-o", dir.File("x.safetensors"), "--meta", entry);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("KEY=VALUE", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Meta_may_not_replace_the_recipe()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run("merge", "-a", _models.Sd1A, "-b", _models.Sd1B, "-o", dir.File("x.safetensors"), "--meta", "sd_merge_recipe={}");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("sd_merge_recipe", r.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("x.safetensors")));
    }

    private static void Ok(CliRunner.Result r) => Assert.True(r.ExitCode == 0, r.StdErr);
}
