using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Fast.Cli.Tests;

/// <summary>
/// <c>fastmerge bulk --resume</c> after the process was killed (SIGKILL, no clean-up) in the middle of a run: the
/// outputs that exist are complete and are skipped, only the rest is merged, and every file is what the variant's
/// recipe gives (its sha256 equals the hash sink's for an uninterrupted run).
/// </summary>
public sealed class BulkKillResumeTests : IDisposable
{
    private const int Variants = 40;
    private readonly TempDir _dir = new();

    [Fact]
    public void Resume_after_a_kill_finishes_only_the_remaining_variants()
    {
        string a = Synth("a", 1), b = Synth("b", 2);
        string outputs = Path.Combine(_dir.Path, "out");
        Directory.CreateDirectory(outputs);
        string plan = _dir.File("plan.jsonl");
        File.WriteAllLines(plan, Enumerable.Range(0, Variants).Select(i => string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"a\":{{\"path\":{Quote(a)}}},\"b\":{{\"path\":{Quote(b)}}},\"mode\":\"ws\",\"alpha\":{(i + 1) / (double)(Variants + 1)},\"out\":{Quote(Path.Combine(outputs, $"v{i:D2}.safetensors"))}}}")));

        // What every output must hash to, from one uninterrupted run that writes nothing.
        var expected = CliRunner.Run("bulk", plan, "--sink", "hash", "--json");
        Assert.True(expected.ExitCode == 0, expected.StdErr);
        Dictionary<string, string> sha = Sha256ByOutput(expected.StdOut);

        // A small memory bound makes many waves, each finishing its outputs; kill as soon as the first one exists.
        using (Process run = Start("bulk", plan, "--threads", "1", "--max-memory", "10M"))
        {
            var clock = Stopwatch.StartNew();
            while (!run.HasExited && Directory.GetFiles(outputs, "v*.safetensors").Length == 0 && clock.Elapsed < TimeSpan.FromMinutes(2))
            {
                Thread.Sleep(1);
            }

            Assert.False(run.HasExited, "the run ended before it could be killed");
            run.Kill();
            run.WaitForExit();
        }

        string[] before = Directory.GetFiles(outputs, "v*.safetensors");
        Assert.InRange(before.Length, 1, Variants - 1);
        foreach (string file in before)
        {
            Assert.Equal(sha[file], Sha256(file)); // only complete files ever carry an output's name
        }

        var resumed = CliRunner.Run("bulk", plan, "--resume", "--json");
        Assert.True(resumed.ExitCode == 0, resumed.StdErr);
        using JsonDocument json = JsonDocument.Parse(resumed.StdOut);
        Assert.Equal(before.Length, json.RootElement.GetProperty("skipped").GetInt32());
        Assert.Equal(Variants - before.Length, json.RootElement.GetProperty("done").GetInt32());
        foreach (JsonElement v in json.RootElement.GetProperty("variants").EnumerateArray())
        {
            string file = v.GetProperty("out").GetString()!;
            Assert.Equal(before.Contains(file) ? "skipped" : "done", v.GetProperty("status").GetString());
            Assert.Equal(sha[file], Sha256(file));
        }
    }

    public void Dispose() => _dir.Dispose();

    private string Synth(string name, int seed)
    {
        string path = _dir.File(name + ".safetensors");
        var r = CliRunner.Run("synth", "--arch", "sd1", "--scale", "16", "--seed", seed.ToString(CultureInfo.InvariantCulture), "-o", path);
        Assert.True(r.ExitCode == 0, r.StdErr);
        return path;
    }

    private static Process Start(params string[] args)
    {
        ProcessStartInfo psi = CliRunner.StartInfo(new Dictionary<string, string?>(), args);
        Process p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static Dictionary<string, string> Sha256ByOutput(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("variants").EnumerateArray()
            .ToDictionary(v => v.GetProperty("out").GetString()!, v => v.GetProperty("sha256").GetString()!, StringComparer.Ordinal);
    }

    private static string Quote(string text) => JsonSerializer.Serialize(text);

    private static string Sha256(string path) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));
}
