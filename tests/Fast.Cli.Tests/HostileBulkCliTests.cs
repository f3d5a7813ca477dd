using System.Diagnostics;
using System.Globalization;

namespace Fast.Cli.Tests;

/// <summary>
/// <c>fastmerge bulk</c> in hostile environments (issue 21), as real child processes: an input truncated by another
/// process mid-run (it was SIGBUS: "Fatal error. AccessViolationException", a stack trace and a temp file left), and
/// plan lines whose paths hold a NUL or an unpaired surrogate (they were exit 70).
/// </summary>
public sealed class HostileBulkCliTests(SyntheticModels models) : IClassFixture<SyntheticModels>, IDisposable
{
    private readonly TempDir _dir = new();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_input_truncated_mid_bulk_stops_it_with_exit_2_and_keeps_the_finished_outputs(bool noMmap)
    {
        string a = _dir.File("big-a.safetensors"), b = _dir.File("big-b.safetensors");
        Synth(a, 1);
        Synth(b, 2);
        string outDir = Directory.CreateDirectory(_dir.File("out")).FullName;
        string plan = _dir.File("plan.jsonl");
        // 40 variants: the test thread may be starved for a while on a busy machine after v0 appears, and the bulk must
        // still be running (reading B) when the truncation lands; a healthy run stops at the first read after it.
        File.WriteAllLines(plan, Enumerable.Range(0, 40).Select(i => string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"a\":{{\"path\":\"{a}\"}},\"b\":{{\"path\":\"{b}\"}},\"mode\":\"ws\",\"alpha\":{0.1 + (i * 0.02)},\"out\":\"{Path.Combine(outDir, $"v{i}.safetensors")}\"}}")));
        string reference = _dir.File("reference-v0.safetensors");
        CliRunner.Result merged = CliRunner.Run("merge", "-a", a, "-b", b, "--alpha", "0.1", "-o", reference, "--no-fsync");
        Assert.True(merged.ExitCode == 0, merged.StdErr);

        // One variant per wave (--max-memory below the floor), so outputs appear one by one: truncate B after the first.
        string[] args = ["bulk", plan, "--threads", "1", "--max-memory", "1M", "--no-fsync", .. noMmap ? new[] { "--no-mmap" } : []];
        using Process run = Process.Start(CliRunner.StartInfo(new Dictionary<string, string?>(), args))!;
        Task<string> stderr = run.StandardError.ReadToEndAsync();
        _ = run.StandardOutput.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(outDir, "v0.safetensors")))
        {
            if (run.HasExited)
            {
                Assert.Fail($"bulk ended (exit {run.ExitCode}) before its first output: {await stderr}");
            }

            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), "no first output after a minute");
            await Task.Delay(2);
        }

        using (var f = new FileStream(b, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            f.SetLength(f.Length / 3);
        }

        Assert.True(run.WaitForExit(TimeSpan.FromMinutes(2)), "bulk did not stop");
        string error = await stderr;
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {error}");
        Assert.StartsWith($"fastmerge: {b} changed while being read (", error, StringComparison.Ordinal);
        Assert.Equal(1, error.Count(c => c == '\n'));
        Assert.Empty(Directory.GetFiles(outDir, ".*")); // no temp file
        string[] outputs = Directory.GetFiles(outDir);
        Assert.InRange(outputs.Length, 1, 39);
        Assert.Equal(File.ReadAllBytes(reference), File.ReadAllBytes(Path.Combine(outDir, "v0.safetensors")));
    }

    [Theory]
    [InlineData("{\"a\":{\"path\":\"A.safe\\u0000tensors\"},\"b\":{\"path\":\"B\"},\"out\":\"o1.safetensors\"}", "\"a.path\" contains a NUL character")]
    [InlineData("{\"a\":{\"path\":\"A\"},\"b\":{\"path\":\"B\"},\"out\":\"o\\u00001.safetensors\"}", "\"out\" contains a NUL character")]
    [InlineData("{\"a\":{\"path\":\"A\"},\"b\":{\"path\":\"B\\ud800\"},\"out\":\"o1.safetensors\"}", "\"b.path\" holds an unpaired surrogate")]
    [InlineData("{\"a\":{\"path\":\"A\"},\"b\":{\"path\":\"B\"},\"out\":\"o1.safetensors\",\"\\u006fut\":\"o2.safetensors\"}", "out")]
    public void A_plan_line_with_an_unusable_string_is_exit_2_naming_the_plan_and_line(string line, string problem)
    {
        string plan = _dir.File("plan.jsonl");
        string good = $"{{\"a\":{{\"path\":\"{models.Sd1A}\"}},\"b\":{{\"path\":\"{models.Sd1C}\"}},\"out\":\"{_dir.File("ok.safetensors")}\"}}";
        File.WriteAllLines(plan, [good, line.Replace("\"A", $"\"{models.Sd1A}", StringComparison.Ordinal).Replace("\"B", $"\"{models.Sd1C}", StringComparison.Ordinal)]);

        CliRunner.Result r = CliRunner.Run("bulk", plan);

        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.StdErr}");
        Assert.StartsWith($"fastmerge: {plan} line 2: ", r.StdErr, StringComparison.Ordinal);
        Assert.Contains(problem, r.StdErr, StringComparison.Ordinal);
        Assert.Equal(1, r.StdErr.Count(c => c == '\n'));
        Assert.False(File.Exists(_dir.File("ok.safetensors"))); // a bad plan runs nothing
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>An SD1 model at 1/4 scale (~130 MB): a bulk run long enough to be sabotaged between its waves.</summary>
    private static void Synth(string path, int seed)
    {
        CliRunner.Result r = CliRunner.Run("synth", "--arch", "sd1", "--scale", "4", "--seed", seed.ToString(CultureInfo.InvariantCulture), "-o", path);
        Assert.True(r.ExitCode == 0, r.StdErr);
    }
}
