using System.Security.Cryptography;
using System.Text.Json;

namespace Fast.Cli.Tests;

public class MergeCommandTests : IClassFixture<SyntheticModels>
{
    private readonly SyntheticModels _models;

    public MergeCommandTests(SyntheticModels models) => _models = models;

    [Fact]
    public void OutputIsReadableByInspectWithAsDTypesAndTheRecipe()
    {
        using var dir = new TempDir();
        string output = dir.File("merged.safetensors");
        var r = CliRunner.Run("merge", "-a", _models.Sd1A, "-b", _models.Sd1B, "-c", _models.Sd1C, "--mode", "ad", "--alpha", "0.4", "-o", output);
        Assert.True(r.ExitCode == 0, r.StdErr);

        using JsonDocument merged = InspectJson.Of(output);
        using JsonDocument a = InspectJson.Of(_models.Sd1A);
        var expected = a.RootElement.GetProperty("tensors").EnumerateArray()
            .ToDictionary(t => t.GetProperty("name").GetString()!, t => (t.GetProperty("dtype").GetString(), t.GetProperty("shape").ToString()));
        var actual = merged.RootElement.GetProperty("tensors").EnumerateArray()
            .ToDictionary(t => t.GetProperty("name").GetString()!, t => (t.GetProperty("dtype").GetString(), t.GetProperty("shape").ToString()));
        Assert.Equal(expected, actual);

        JsonElement metadata = merged.RootElement.GetProperty("metadata");
        Assert.Equal("pt", metadata.GetProperty("format").GetString());
        using JsonDocument recipe = JsonDocument.Parse(metadata.GetProperty("fastmerge.recipe").GetString()!);
        Assert.Equal("ad", recipe.RootElement.GetProperty("mode").GetString());
        Assert.Equal(0.4, recipe.RootElement.GetProperty("alpha").GetDouble());
    }

    [Fact]
    public void MetadataNamesTheInputsByTheirSha256ForA1111()
    {
        using var dir = new TempDir();
        string output = dir.File("merged.safetensors");
        var r = CliRunner.Run("merge", "-a", _models.Sd1A, "-b", _models.Sd1B, "--alpha", "0.25", "-o", output);
        Assert.True(r.ExitCode == 0, r.StdErr);
        using JsonDocument merged = InspectJson.Of(output);
        JsonElement metadata = merged.RootElement.GetProperty("metadata");
        string shaA = Sha256Hex(_models.Sd1A);
        string shaB = Sha256Hex(_models.Sd1B);

        using JsonDocument models = JsonDocument.Parse(metadata.GetProperty("sd_merge_models").GetString()!);
        Assert.Equal(new[] { shaA, shaB }.Order(), models.RootElement.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(Path.GetFileName(_models.Sd1A), models.RootElement.GetProperty(shaA).GetProperty("name").GetString());
        using JsonDocument recipe = JsonDocument.Parse(metadata.GetProperty("sd_merge_recipe").GetString()!);
        Assert.Equal(shaA, recipe.RootElement.GetProperty("model_a").GetString());
        Assert.Equal(shaB, recipe.RootElement.GetProperty("model_b").GetString());
    }

    [Fact]
    public void JsonSummaryCountsEveryTensor()
    {
        using var dir = new TempDir();
        string output = dir.File("merged.safetensors");
        var r = CliRunner.Run("merge", "-a", _models.Sd1A, "-b", _models.Sd1B, "--alpha", "0.3", "-o", output, "--json");
        Assert.True(r.ExitCode == 0, r.StdErr);
        using JsonDocument summary = JsonDocument.Parse(r.StdOut);
        JsonElement root = summary.RootElement;
        Assert.Equal(1131, root.GetProperty("tensors").GetInt32());
        Assert.Equal(1131, root.GetProperty("merged").GetInt32() + root.GetProperty("kept").GetInt32() + root.GetProperty("position_ids_reset").GetInt32());
        Assert.Equal(new FileInfo(output).Length, root.GetProperty("bytes").GetInt64());
    }

    private static string Sha256Hex(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public void ThreadCountReadModeAndFlushingDoNotChangeTheFile()
    {
        using var dir = new TempDir();
        string one = dir.File("one.safetensors");
        string many = dir.File("many.safetensors");
        string[] recipe = ["merge", "-a", _models.Sd1A, "-b", _models.Sd1B, "-c", _models.Sd1C, "--mode", "st", "--alpha", "0.3", "--beta", "0.6"];
        Assert.Equal(0, CliRunner.Run([.. recipe, "-o", one, "--threads", "1", "--no-mmap"]).ExitCode);
        Assert.Equal(0, CliRunner.Run([.. recipe, "-o", many, "--threads", "4"]).ExitCode);
        Assert.Equal(File.ReadAllBytes(one), File.ReadAllBytes(many));

        // Not flushing to disk changes when the bytes reach the device, never which bytes.
        string unflushed = dir.File("unflushed.safetensors");
        Assert.Equal(0, CliRunner.Run([.. recipe, "-o", unflushed, "--no-fsync"]).ExitCode);
        Assert.Equal(File.ReadAllBytes(one), File.ReadAllBytes(unflushed));
    }

    [Fact]
    public void OverwriteNeverReplacesAnInput()
    {
        // Issue 17: `-o A --overwrite` with A an input used to replace the input in place; an input is never written.
        using var dir = new TempDir();
        string a = dir.File("a.safetensors");
        File.Copy(_models.Sd1A, a);
        byte[] before = File.ReadAllBytes(a);
        var r = CliRunner.Run("merge", "-a", a, "-b", _models.Sd1B, "--alpha", "0.5", "-o", a, "--overwrite");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is also an input", r.StdErr, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(a));
        Assert.Equal(["a.safetensors"], Directory.GetFiles(dir.Path).Select(p => Path.GetFileName(p)!).ToArray());
    }
}
