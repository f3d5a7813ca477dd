namespace Fast.Cli.Tests;

/// <summary>
/// Issue 17: a misspelt command or option, a missing value or required option is exit 2 with one line that names it,
/// suggests the closest name and gives the command's usage; response files and multi-value options parse as before.
/// </summary>
public sealed class CliParseErrorTests : IClassFixture<SyntheticModels>, IDisposable
{
    private readonly SyntheticModels _models;
    private readonly TempDir _dir = new();

    public CliParseErrorTests(SyntheticModels models) => _models = models;

    [Theory]
    [InlineData("merge --alpah 0.3", "merge: unknown option --alpah (did you mean '--alpha'?)", "usage: fastmerge merge -a A -b B")]
    [InlineData("merge --alpah=0.3", "merge: unknown option --alpah (did you mean '--alpha'?)", "see 'fastmerge merge --help'")]
    [InlineData("check x --no-nan-scna", "check: unknown option --no-nan-scna (did you mean '--no-nan-scan'?)", "usage: fastmerge check FILE|DIR")]
    [InlineData("lora bake m l --overwirte", "lora bake: unknown option --overwirte (did you mean '--overwrite'?)", "see 'fastmerge lora bake --help'")]
    [InlineData("mrege -a x", "unknown command 'mrege' (did you mean 'merge'?)", "see 'fastmerge --help'")]
    [InlineData("lora bak", "lora: unknown command 'bak' (did you mean 'bake'?)", "usage: fastmerge lora bake|extract|merge")]
    [InlineData("slothful pln", "slothful: unknown command 'pln' (did you mean 'plan'?)", "see 'fastmerge slothful --help'")]
    [InlineData("hash a b", "hash: unexpected argument 'b'", "usage: fastmerge hash FILE")]
    [InlineData("merge -a", "merge: option -a needs a value", "usage: fastmerge merge")]
    public void A_parse_error_is_one_line_with_a_suggestion_and_the_usage(string line, string problem, string usage)
    {
        CliRunner.Result r = CliRunner.Run(line.Split(' '));
        Assert.Equal(2, r.ExitCode);
        Assert.Equal(string.Empty, r.StdOut);
        Assert.Single(r.StdErr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"fastmerge: {problem}", r.StdErr, StringComparison.Ordinal);
        Assert.Contains(usage, r.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("merge -a A.safetensors -b B.safetensors", "merge: -o is required")]
    [InlineData("extract x.safetensors -o y.safetensors", "extract: --component unet|vae|clip is required")]
    [InlineData("lora", "lora: expected one of bake|extract|merge")]
    public void A_missing_required_option_is_one_line_exit_two(string line, string message)
    {
        CliRunner.Result r = CliRunner.Run(line.Split(' '));
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.StdErr.TrimEnd('\n').Split('\n'));
        Assert.Contains(message, r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_response_file_gives_the_arguments()
    {
        string output = _dir.File("out.safetensors");
        string rsp = _dir.File("merge.rsp");
        File.WriteAllText(rsp, $"# the models\n-a {_models.Sd1A}\n-b \"{_models.Sd1B}\"\n--alpha -0.25\n-o {output}\n");

        CliRunner.Result r = CliRunner.Run("merge", "@" + rsp, "--no-fsync");

        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.True(File.Exists(output));
        Assert.Contains("alpha -0.25,", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_response_file_is_one_line_naming_it()
    {
        CliRunner.Result r = CliRunner.Run("merge", "@" + _dir.File("nope.rsp"));
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.StdErr.TrimEnd('\n').Split('\n'));
        Assert.Contains("nope.rsp", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_with_several_values_keep_working()
    {
        // --meta K=V K2=V2 after one --meta, repeated --meta, and the last of a repeated single-value option counts.
        string output = _dir.File("meta.safetensors");
        CliRunner.Result r = CliRunner.Run(
            "merge", "-a", _models.Sd1A, "-b", _models.Sd1B, "-o", output, "--alpha", "0.9", "--alpha", "0.3",
            "--meta", "one=1", "two=2", "--meta", "three=3", "--no-fsync");
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains("alpha 0.3,", r.StdOut, StringComparison.Ordinal);
        CliRunner.Result inspect = CliRunner.Run("inspect", output, "--json");
        foreach (string entry in new[] { "\"one\": \"1\"", "\"two\": \"2\"", "\"three\": \"3\"" })
        {
            Assert.Contains(entry, inspect.StdOut, StringComparison.Ordinal);
        }
    }

    public void Dispose() => _dir.Dispose();
}
