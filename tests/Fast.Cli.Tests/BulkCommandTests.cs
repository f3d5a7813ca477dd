using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Fast.Cli.Tests;

/// <summary><c>fastmerge bulk</c>: the PLAN and sweep forms, exit codes, the summary and <c>--json</c>.</summary>
public sealed class BulkCommandTests(SyntheticModels models) : IClassFixture<SyntheticModels>
{
    [Fact]
    public void Plan_writes_each_variant_as_merge_would_and_reports_json()
    {
        using var dir = new TempDir();
        string plan = WritePlan(dir, Line(dir, "ws.safetensors", "\"alpha\":0.3"), Line(dir, "ad.safetensors", "\"mode\":\"ad\",\"alpha\":0.6", withC: true));

        var r = CliRunner.Run("bulk", plan, "--json", "--threads", "2");

        Assert.True(r.ExitCode == 0, r.StdErr);
        using JsonDocument json = JsonDocument.Parse(r.StdOut);
        JsonElement root = json.RootElement;
        Assert.Equal(2, root.GetProperty("done").GetInt32());
        Assert.Equal(0, root.GetProperty("failed").GetInt32());
        JsonElement[] variants = [.. root.GetProperty("variants").EnumerateArray()];
        Assert.Equal([1, 2], variants.Select(v => v.GetProperty("line").GetInt32()));
        Assert.All(variants, v => Assert.Equal("done", v.GetProperty("status").GetString()));

        string reference = dir.File("reference.safetensors");
        var merge = CliRunner.Run("merge", "-a", models.Sd1A, "-b", models.Sd1B, "-c", models.Sd1C, "--mode", "ad", "--alpha", "0.6", "-o", reference);
        Assert.True(merge.ExitCode == 0, merge.StdErr);
        Assert.Equal(File.ReadAllBytes(reference), File.ReadAllBytes(dir.File("ad.safetensors")));
        Assert.Equal(Sha256(dir.File("ad.safetensors")), variants[1].GetProperty("sha256").GetString());
    }

    [Fact]
    public void A_failing_variant_exits_1_and_the_others_are_written()
    {
        using var dir = new TempDir();
        string plan = WritePlan(dir, Line(dir, "ok.safetensors", "\"alpha\":0.5"), Line(dir, "bad.safetensors", "\"alpha\":0.5", b: models.SdxlB));

        var r = CliRunner.Run("bulk", plan);

        Assert.Equal(1, r.ExitCode);
        Assert.True(File.Exists(dir.File("ok.safetensors")));
        Assert.False(File.Exists(dir.File("bad.safetensors")));
        string error = Assert.Single(r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("fastmerge: variant 1 (line 2): ", error, StringComparison.Ordinal);
        Assert.Contains("1 done, 0 skipped, 1 failed", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("failed", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_plan_line_exits_2_naming_the_line_and_writes_nothing()
    {
        using var dir = new TempDir();
        string plan = WritePlan(dir, Line(dir, "ok.safetensors", "\"alpha\":0.5"), "{\"a\":{\"path\":\"x\"},\"b\":{\"path\":\"y\"}}", "{not json");

        var r = CliRunner.Run("bulk", plan);

        Assert.Equal(2, r.ExitCode);
        string[] errors = r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, errors.Length);
        Assert.StartsWith($"fastmerge: {plan} line 2: ", errors[0], StringComparison.Ordinal);
        Assert.StartsWith($"fastmerge: {plan} line 3: ", errors[1], StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("ok.safetensors")));
    }

    [Theory]
    [InlineData("--sink", "disk")]
    [InlineData("--shard", "4/3")]
    [InlineData("--max-memory", "lots")]
    [InlineData("--bogus", "1")]
    public void Bad_flags_exit_2(string flag, string value)
    {
        using var dir = new TempDir();
        string plan = WritePlan(dir, Line(dir, "ok.safetensors", "\"alpha\":0.5"));
        var r = CliRunner.Run("bulk", plan, flag, value);
        Assert.Equal(2, r.ExitCode);
        Assert.False(File.Exists(dir.File("ok.safetensors")));
    }

    [Fact]
    public void Sweep_form_expands_alpha_and_b_models_with_hash_sink_and_shards()
    {
        using var dir = new TempDir();
        string outDir = dir.File("out");
        Directory.CreateDirectory(outDir);
        string[] sweep = ["bulk", "-a", models.Sd1A, "-b", models.Sd1B, "-b", models.Sd1C, "--out-dir", outDir, "--alpha", "0:1:0.5", "--json"];

        var hashed = CliRunner.Run([.. sweep, "--sink", "hash"]);
        Assert.True(hashed.ExitCode == 0, hashed.StdErr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outDir));
        using JsonDocument hashes = JsonDocument.Parse(hashed.StdOut);
        JsonElement[] variants = [.. hashes.RootElement.GetProperty("variants").EnumerateArray()];
        Assert.Equal(6, variants.Length);
        Assert.Equal(Path.Combine(outDir, "sd1-c_ws_normal_a0.5.safetensors"), variants[4].GetProperty("out").GetString());

        var first = CliRunner.Run([.. sweep, "--shard", "1/2"]);
        var second = CliRunner.Run([.. sweep, "--shard", "2/2", "--threads", "1"]);
        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first.StdErr + second.StdErr);
        Assert.Equal(6, Directory.GetFiles(outDir).Length);
        foreach (JsonElement v in variants)
        {
            Assert.Equal(v.GetProperty("sha256").GetString(), Sha256(v.GetProperty("out").GetString()!));
        }

        string single = dir.File("single.safetensors");
        Assert.Equal(0, CliRunner.Run("merge", "-a", models.Sd1A, "-b", models.Sd1C, "--alpha", "0.5", "-o", single).ExitCode);
        Assert.Equal(File.ReadAllBytes(single), File.ReadAllBytes(variants[4].GetProperty("out").GetString()!));

        var resumed = CliRunner.Run([.. sweep, "--resume"]);
        Assert.True(resumed.ExitCode == 0, resumed.StdErr);
        using JsonDocument again = JsonDocument.Parse(resumed.StdOut);
        Assert.Equal(6, again.RootElement.GetProperty("skipped").GetInt32());
    }

    [Fact]
    public void Sweep_without_b_or_out_dir_is_a_usage_error()
    {
        Assert.Equal(2, CliRunner.Run("bulk", "-a", models.Sd1A, "--out-dir", ".").ExitCode);
        Assert.Equal(2, CliRunner.Run("bulk", "-a", models.Sd1A, "-b", models.Sd1B).ExitCode);
        Assert.Equal(2, CliRunner.Run("bulk").ExitCode);
    }

    private string Line(TempDir dir, string output, string members, bool withC = false, string? b = null) =>
        "{" + members + string.Create(CultureInfo.InvariantCulture, $",\"a\":{{\"path\":{Quote(models.Sd1A)}}},\"b\":{{\"path\":{Quote(b ?? models.Sd1B)}}}")
        + (withC ? $",\"c\":{{\"path\":{Quote(models.Sd1C)}}}" : string.Empty)
        + $",\"out\":{Quote(dir.File(output))}}}";

    private static string Quote(string text) => JsonSerializer.Serialize(text);

    private static string WritePlan(TempDir dir, params string[] lines)
    {
        string path = dir.File("plan.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
