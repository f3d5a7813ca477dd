using System.Security.Cryptography;

namespace Fast.Cli.Tests;

/// <summary>
/// Mistakes a user can make with <c>merge</c>: exit code 2, one line on stderr that names the file or the problem,
/// no stack trace, and nothing written (no output, no temporary file left in the output folder, inputs untouched).
/// </summary>
public class MergeUserErrorTests : IClassFixture<SyntheticModels>
{
    private readonly SyntheticModels _models;

    public MergeUserErrorTests(SyntheticModels models) => _models = models;

    [Fact]
    public void MissingInputNamesTheFile()
    {
        using var dir = new TempDir();
        string missing = dir.File("no-such-model.safetensors");
        AssertRefused(dir, "no-such-model.safetensors", "merge", "-a", _models.Sd1A, "-b", missing);
    }

    [Fact]
    public void TooShortFileNamesTheFile()
    {
        using var dir = new TempDir();
        string bad = dir.File("three-bytes.safetensors");
        File.WriteAllBytes(bad, [1, 2, 3]);
        AssertRefused(dir, "three-bytes.safetensors", "merge", "-a", _models.Sd1A, "-b", bad);
    }

    [Fact]
    public void TruncatedFileNamesTheFile()
    {
        using var dir = new TempDir();
        string truncated = dir.File("truncated.safetensors");
        byte[] whole = File.ReadAllBytes(_models.Sd1B);
        File.WriteAllBytes(truncated, whole.AsSpan(0, whole.Length - 1000).ToArray());
        AssertRefused(dir, "truncated.safetensors", "merge", "-a", truncated, "-b", _models.Sd1B);
    }

    [Fact]
    public void AddDifferenceWithoutCIsRefused()
    {
        using var dir = new TempDir();
        AssertRefused(dir, null, "merge", "-a", _models.Sd1A, "-b", _models.Sd1B, "--mode", "ad");
    }

    [Fact]
    public void Sd1WithSdxlNamesBothFamilies()
    {
        using var dir = new TempDir();
        AssertRefused(dir, "A is SD1.x, B is SDXL base", "merge", "-a", _models.Sd1A, "-b", _models.SdxlB);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("nan")]
    [InlineData("")]
    public void BadAlphaIsRefused(string alpha)
    {
        using var dir = new TempDir();
        AssertRefused(dir, "--alpha", "merge", "-a", _models.Sd1A, "-b", _models.Sd1B, "--alpha", alpha);
    }

    [Fact]
    public void UnknownModeNamesIt()
    {
        using var dir = new TempDir();
        AssertRefused(dir, "frob", "merge", "-a", _models.Sd1A, "-b", _models.Sd1B, "--mode", "frob");
    }

    [Fact]
    public void WrongLengthBlockListIsRefused()
    {
        using var dir = new TempDir();
        AssertRefused(dir, "26", "merge", "-a", _models.Sd1A, "-b", _models.Sd1B, "--weights-alpha", "0.1,0.2,0.3");
    }

    [Fact]
    public void OutputEqualToAnInputNeedsOverwriteAndLeavesTheInputUntouched()
    {
        using var dir = new TempDir();
        string a = dir.File("a.safetensors");
        File.Copy(_models.Sd1A, a);
        byte[] before = SHA256.HashData(File.ReadAllBytes(a));
        var r = CliRunner.Run("merge", "-a", a, "-b", _models.Sd1B, "-o", Path.Combine(dir.Path, ".", "a.safetensors"));
        AssertOneLineError(r, "a.safetensors");
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(a)));
        Assert.Equal(["a.safetensors"], Directory.GetFiles(dir.Path).Select(p => Path.GetFileName(p)!).ToArray());
    }

    [Fact]
    public void ExistingOutputNeedsOverwriteAndIsLeftAsItWas()
    {
        using var dir = new TempDir();
        string output = dir.File("taken.safetensors");
        File.WriteAllText(output, "someone else's file");
        var r = CliRunner.Run("merge", "-a", _models.Sd1A, "-b", _models.Sd1B, "-o", output);
        AssertOneLineError(r, "taken.safetensors");
        Assert.Equal("someone else's file", File.ReadAllText(output));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    private static void AssertRefused(TempDir dir, string? mentions, params string[] args)
    {
        string output = dir.File("merged.safetensors");
        string[] before = Directory.GetFiles(dir.Path);
        var r = CliRunner.Run([.. args, "-o", output]);
        AssertOneLineError(r, mentions);
        Assert.False(File.Exists(output), "the refused merge left an output file");
        Assert.Equal(before, Directory.GetFiles(dir.Path));
    }

    private static void AssertOneLineError(CliRunner.Result r, string? mentions)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}, stderr: {r.StdErr}");
        string[] lines = r.StdErr.Trim().Split('\n');
        Assert.True(lines.Length == 1, $"expected one line on stderr, got: {r.StdErr}");
        Assert.StartsWith("fastmerge: ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", lines[0], StringComparison.Ordinal);
        if (mentions is not null)
        {
            Assert.Contains(mentions, lines[0], StringComparison.Ordinal);
        }
    }
}
