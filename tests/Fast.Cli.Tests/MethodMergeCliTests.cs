using System.Security.Cryptography;

namespace Fast.Cli.Tests;

/// <summary>
/// <c>fastmerge merge --mode ties|dare|…</c>, <c>--recipe</c> and <c>--from-metadata</c> as a user runs them: the same
/// recipe gives the same bytes whatever the threads, read mode or run; DARE's seed decides its mask; every bad input is
/// one line, exit 2, nothing written.
/// </summary>
public class MethodMergeCliTests : IClassFixture<SyntheticModels>
{
    private readonly SyntheticModels _models;

    public MethodMergeCliTests(SyntheticModels models) => _models = models;

    [Fact]
    public void SameRecipeSameBytesWithThreadsReadModeAndSecondRun()
    {
        using var dir = new TempDir();
        string recipe = WriteGraph(dir, _models.Sd1A, _models.Sd1B, _models.Sd1C, _models.Sd1A);
        string one = Merge(dir, "one", "--recipe", recipe, "--threads", "1");
        string two = Merge(dir, "two", "--recipe", recipe, "--threads", "2");
        string buffered = Merge(dir, "buffered", "--recipe", recipe, "--threads", "2", "--no-mmap");
        string again = Merge(dir, "again", "--recipe", recipe, "--threads", "2");
        Assert.Equal(Hash(one), Hash(two));
        Assert.Equal(Hash(one), Hash(buffered));
        Assert.Equal(Hash(one), Hash(again));
    }

    [Theory]
    [InlineData("dare")]
    [InlineData("dare_ties")]
    public void DareSameSeedSameBytesOtherSeedDiffers(string mode)
    {
        using var dir = new TempDir();
        string[] args = ["--mode", mode, "--base", _models.Sd1A, "--models", _models.Sd1B, _models.Sd1C, "--density", "0.3"];
        string first = Merge(dir, "first", [.. args, "--seed", "7", "--threads", "1"]);
        string second = Merge(dir, "second", [.. args, "--seed", "7", "--threads", "2", "--no-mmap"]);
        string other = Merge(dir, "other", [.. args, "--seed", "8"]);
        Assert.Equal(Hash(first), Hash(second));
        Assert.NotEqual(Hash(first), Hash(other));
    }

    [Fact]
    public void FromMetadataRerunsToTheSameBytes()
    {
        using var dir = new TempDir();
        string merged = Merge(dir, "merged", "--mode", "ties", "--base", _models.Sd1A, "--models", _models.Sd1B, _models.Sd1C, "--density", "0.4", "--lambda", "0.9", "--weights", "1", "0.5");
        string rerun = Merge(dir, "rerun", "--from-metadata", merged);
        Assert.Equal(Hash(merged), Hash(rerun));
    }

    [Fact]
    public void FromMetadataRerunsATwoModelMergeToTheSameBytes()
    {
        using var dir = new TempDir();
        string merged = Merge(dir, "merged", "-a", _models.Sd1A, "-b", _models.Sd1B, "--mode", "ws", "--alpha", "0.3", "--weights-alpha", "GRAD_V",
            "--elemental", "IN04 OUT05:attn:0.2", "--adjust", "1,1,1,0,0,0,0,0");
        string rerun = Merge(dir, "rerun", "--from-metadata", merged);
        Assert.Equal(Hash(merged), Hash(rerun));
    }

    [Fact]
    public void FromMetadataWarnsWhenAnInputIsNotTheRecordedOne()
    {
        using var dir = new TempDir();
        string a = dir.File("a.safetensors");
        File.Copy(_models.Sd1A, a);
        string merged = Merge(dir, "merged", "-a", a, "-b", _models.Sd1B, "--alpha", "0.4");
        File.Copy(_models.Sd1C, a, overwrite: true);
        var r = CliRunner.Run(["merge", "--from-metadata", merged, "-o", dir.File("rerun.safetensors"), "--no-fsync"]);
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.StdErr}");
        Assert.Contains("warning", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("a.safetensors", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void FromMetadataWithAMissingInputNamesIt()
    {
        using var dir = new TempDir();
        string moved = dir.File("fine-tune.safetensors");
        File.Copy(_models.Sd1C, moved);
        string merged = Merge(dir, "merged", "--mode", "model_stock", "--base", _models.Sd1A, "--models", _models.Sd1B, moved);
        File.Delete(moved);
        AssertRefused(dir, "input 'm2'", "merge", "--from-metadata", merged);
    }

    [Fact]
    public void BlockListsWeighEveryParameter()
    {
        using var dir = new TempDir();
        string global = Merge(dir, "global", "--mode", "slerp", "-a", _models.Sd1A, "-b", _models.Sd1B, "--t", "0.5");
        string blocks = Merge(dir, "blocks", "--mode", "slerp", "-a", _models.Sd1A, "-b", _models.Sd1B, "--t", "GRAD_V");
        Assert.NotEqual(Hash(global), Hash(blocks));
    }

    [Fact]
    public void TooFewModelsIsRefused()
    {
        using var dir = new TempDir();
        AssertRefused(dir, "at least 2 models", "merge", "--mode", "ties", "--base", _models.Sd1A, "--models", _models.Sd1B);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1.5")]
    [InlineData("-0.2")]
    public void DensityOutsideZeroOneIsRefused(string density)
    {
        using var dir = new TempDir();
        AssertRefused(dir, "density must be in (0, 1]", "merge", "--mode", "dare", "--base", _models.Sd1A, "--models", _models.Sd1B, _models.Sd1C, "--density", density);
    }

    [Fact]
    public void MismatchedShapesAreRefusedNamingTheKey()
    {
        using var dir = new TempDir();
        AssertRefused(dir, "different architectures", "merge", "--mode", "ties", "--base", _models.Sd1A, "--models", _models.Sd1B, _models.SdxlB);
    }

    [Fact]
    public void GraphCycleIsRefused()
    {
        using var dir = new TempDir();
        string recipe = dir.File("cycle.json");
        File.WriteAllText(recipe, $$"""
            {"inputs": {"a": "{{_models.Sd1A}}", "b": "{{_models.Sd1B}}"},
             "merges": [{"name": "x", "method": "slerp", "models": ["a", "y"]}, {"name": "y", "method": "slerp", "models": ["x", "b"]}],
             "output": "y"}
            """);
        AssertRefused(dir, "cycle", "merge", "--recipe", recipe);
    }

    [Fact]
    public void GraphUndefinedNameIsRefused()
    {
        using var dir = new TempDir();
        string recipe = dir.File("undefined.json");
        File.WriteAllText(recipe, $$"""
            {"inputs": {"a": "{{_models.Sd1A}}", "b": "{{_models.Sd1B}}"},
             "merges": [{"name": "x", "method": "slerp", "models": ["a", "nowhere"]}],
             "output": "x"}
            """);
        AssertRefused(dir, "'nowhere'", "merge", "--recipe", recipe);
    }

    [Fact]
    public void BulkSweepsARecipeAndEachVariantRerunsFromItsMetadata()
    {
        using var dir = new TempDir();
        string recipe = WriteGraph(dir, _models.Sd1A, _models.Sd1B, _models.Sd1C, _models.Sd1A);
        string outDir = Path.Combine(dir.Path, "sweep");
        Directory.CreateDirectory(outDir);
        var r = CliRunner.Run("bulk", "--recipe", recipe, "--sweep", "tied.density=0.3:0.5:0.2", "--sweep", "out.t=0.2,0.6", "--out-dir", outDir, "--no-fsync");
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.StdErr}{r.StdOut}");
        Assert.Contains("4 written, 0 failed", r.StdOut, StringComparison.Ordinal);
        string[] outputs = [.. Directory.GetFiles(outDir).Order(StringComparer.Ordinal)];
        Assert.Equal(4, outputs.Length);
        Assert.Equal(4, outputs.Select(Hash).Distinct().Count());
        string rerun = Merge(dir, "rerun", "--from-metadata", outputs[3]);
        Assert.Equal(Hash(outputs[3]), Hash(rerun));
    }

    private static string WriteGraph(TempDir dir, string baseModel, string m1, string m2, string m3)
    {
        string recipe = dir.File("graph.json");
        File.WriteAllText(recipe, $$"""
            {"inputs": [{"name": "base", "path": "{{baseModel}}"}, {"name": "m1", "path": "{{m1}}"}, {"name": "m2", "path": "{{m2}}"}, {"name": "m3", "path": "{{m3}}"}],
             "merges": [
               {"name": "tied", "method": "ties", "base": "base", "models": ["m1", "m2"], "density": 0.5},
               {"name": "dared", "method": "dare_ties", "base": "base", "models": ["m2", "m3"], "density": 0.4, "seed": 3},
               {"name": "out", "method": "slerp", "models": ["tied", "dared"], "t": 0.3}],
             "output": "out"}
            """);
        return recipe;
    }

    private static string Merge(TempDir dir, string name, params string[] args)
    {
        string output = dir.File(name + ".safetensors");
        var r = CliRunner.Run(["merge", .. args, "-o", output, "--no-fsync"]);
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.StdErr}");
        return output;
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private static void AssertRefused(TempDir dir, string mentions, params string[] args)
    {
        string output = dir.File("refused.safetensors");
        string[] before = Directory.GetFiles(dir.Path);
        var r = CliRunner.Run([.. args, "-o", output]);
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}, stderr: {r.StdErr}");
        string[] lines = r.StdErr.Trim().Split('\n');
        Assert.True(lines.Length == 1, $"expected one line on stderr, got: {r.StdErr}");
        Assert.StartsWith("fastmerge: ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", lines[0], StringComparison.Ordinal);
        Assert.Contains(mentions, lines[0], StringComparison.Ordinal);
        Assert.False(File.Exists(output), "the refused merge left an output file");
        Assert.Equal(before, Directory.GetFiles(dir.Path));
    }
}
