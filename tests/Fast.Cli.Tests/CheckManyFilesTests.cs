using System.Text.Json;

namespace Fast.Cli.Tests;

/// <summary><c>check a b</c> and <c>check DIR/</c>: many files in one call, JSON Lines with --json, errors as JSON too.</summary>
public sealed class CheckManyFilesTests : IClassFixture<SyntheticModels>, IDisposable
{
    private readonly SyntheticModels _models;
    private readonly TempDir _dir = new();

    public CheckManyFilesTests(SyntheticModels models) => _models = models;

    [Fact]
    public void Two_files_give_two_json_lines_and_an_unreadable_one_is_a_json_error()
    {
        string bad = _dir.Write("bad.safetensors", [1, 2, 3]);
        CliRunner.Result r = CliRunner.Run("check", _models.Sd1A, bad, _models.Sd1B, "--json", "--no-nan-scan");
        string[] lines = r.StdOut.Trim().Split('\n');
        Assert.Equal(3, lines.Length);
        using JsonDocument first = JsonDocument.Parse(lines[0]);
        using JsonDocument error = JsonDocument.Parse(lines[1]);
        using JsonDocument third = JsonDocument.Parse(lines[2]);
        Assert.Equal(_models.Sd1A, first.RootElement.GetProperty("path").GetString());
        Assert.Equal(bad, error.RootElement.GetProperty("path").GetString());
        Assert.Contains("bad.safetensors", error.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, error.RootElement.GetProperty("exit_code").GetInt32());
        Assert.Equal(_models.Sd1B, third.RootElement.GetProperty("path").GetString());
        Assert.Equal(2, r.ExitCode);
    }

    [Fact]
    public void A_folder_checks_each_safetensors_file_in_name_order()
    {
        File.Copy(_models.Sd1B, _dir.File("b.safetensors"));
        File.Copy(_models.Sd1A, _dir.File("a.safetensors"));
        File.WriteAllText(_dir.File("notes.txt"), "not a model");
        CliRunner.Result r = CliRunner.Run("check", _dir.Path, "--no-nan-scan");
        Assert.True(r.ExitCode is 0 or 1, r.StdErr);
        int a = r.StdOut.IndexOf(_dir.File("a.safetensors"), StringComparison.Ordinal);
        int b = r.StdOut.IndexOf(_dir.File("b.safetensors"), StringComparison.Ordinal);
        Assert.True(a >= 0 && b > a, r.StdOut);
        Assert.DoesNotContain("notes.txt", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void One_file_with_json_that_cannot_be_read_is_a_json_error()
    {
        string missing = _dir.File("missing.safetensors");
        CliRunner.Result r = CliRunner.Run("check", missing, "--json");
        Assert.Equal(2, r.ExitCode);
        using JsonDocument error = JsonDocument.Parse(r.StdOut);
        Assert.Equal(missing, error.RootElement.GetProperty("path").GetString());
        Assert.Contains("missing.safetensors", error.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
