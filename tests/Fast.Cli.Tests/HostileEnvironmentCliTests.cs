using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Fast.Cli.Tests;

/// <summary>
/// The built CLI in hostile environments (issue 21), as real child processes: SIGTERM/SIGHUP/SIGINT at any moment,
/// temp files left by killed runs, FIFOs and devices as inputs, names at NAME_MAX, surrogates and huge empty shapes.
/// </summary>
public sealed partial class HostileEnvironmentCliTests(SyntheticModels models) : IClassFixture<SyntheticModels>, IDisposable
{
    private const int SigHup = 1, SigInt = 2, SigTerm = 15;
    private readonly TempDir _dir = new();

    [Theory]
    [InlineData(SigTerm, 143)]
    [InlineData(SigHup, 129)]
    [InlineData(SigInt, 130)]
    public void A_signal_mid_merge_cleans_up_like_ctrl_c(int signal, int exitCode)
    {
        (string a, string b) = BigModels();
        if (IgnoredByThisProcess(signal))
        {
            // Run under nohup (or another signal-ignoring parent): the child inherits the ignored disposition and the
            // runtime keeps it, as a user who wrote nohup wants. The merge must then simply finish.
            string kept = Path.Combine(Directory.CreateDirectory(_dir.File($"out-{signal}-ignored")).FullName, "m.safetensors");
            using Process ignoring = Start("merge", "-a", a, "-b", b, "-o", kept, "--no-fsync");
            WaitFor(ignoring, () => Directory.GetFiles(Path.GetDirectoryName(kept)!, ".*.tmp").Length > 0 || File.Exists(kept), "the temp file");
            _ = Kill(ignoring.Id, signal);
            Assert.True(ignoring.WaitForExit(TimeSpan.FromMinutes(1)), "the merge did not finish");
            Assert.True(ignoring.ExitCode == 0, ignoring.StandardError.ReadToEnd());
            Assert.True(File.Exists(kept));
            return;
        }

        for (int attempt = 0; ; attempt++)
        {
            string outDir = Directory.CreateDirectory(_dir.File($"out-{signal}-{attempt}")).FullName;
            string output = Path.Combine(outDir, "m.safetensors");
            using Process run = Start("merge", "-a", a, "-b", b, "-c", a, "--mode", "ad", "--calc", "smoothAdd", "-o", output, "--threads", "1");
            WaitFor(run, () => Directory.GetFiles(outDir, ".*.tmp").Length > 0, "the temp file");
            Assert.Equal(0, Kill(run.Id, signal));
            Assert.True(run.WaitForExit(TimeSpan.FromMinutes(1)), "the merge did not stop");
            string stderr = run.StandardError.ReadToEnd();
            if (File.Exists(output) && attempt < 3)
            {
                // A starved test thread saw the temp file just before the rename: the signal came after the output was
                // complete (the other test covers that answer). Try again.
                continue;
            }

            Assert.Equal(exitCode, run.ExitCode);
            Assert.Contains("cancelled; no output was written", stderr, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFileSystemEntries(outDir));
            return;
        }
    }

    // SigIgn in /proc/self/status: the mask of signals this process ignores (bit n−1 for signal n), inherited by children.
    private static bool IgnoredByThisProcess(int signal)
    {
        string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null
            && (ulong.Parse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << (signal - 1))) != 0;
    }

    [Fact]
    public void Ctrl_c_after_the_rename_never_says_nothing_was_written()
    {
        // Since the output is hashed while it is written, the time between the rename and the exit is a few
        // milliseconds, so a signal sent when the file appears may land before the process's last look at it (exit 130,
        // "… is complete") or after it (exit 0, the summary printed). Either is true; "no output was written" next to
        // a complete output, or a missing output, never is.
        (string a, string b) = BigModels();
        int caught = 0;
        for (int attempt = 0; attempt < 8; attempt++)
        {
            string output = _dir.File($"after-{attempt}.safetensors");
            using Process run = Start("merge", "-a", a, "-b", b, "-o", output, "--no-fsync");
            var clock = Stopwatch.StartNew();
            while (!run.HasExited && !File.Exists(output) && clock.Elapsed < TimeSpan.FromMinutes(1))
            {
                Thread.SpinWait(100);
            }

            bool signalled = !run.HasExited && Kill(run.Id, SigInt) == 0;
            run.WaitForExit();
            string stderr = run.StandardError.ReadToEnd();
            Assert.True(File.Exists(output), $"attempt {attempt}: no output (exit {run.ExitCode}): {stderr}");
            Assert.DoesNotContain("no output was written", stderr, StringComparison.Ordinal);
            if (signalled && run.ExitCode != 0)
            {
                Assert.Equal(130, run.ExitCode);
                Assert.Contains($"{output} is complete", stderr, StringComparison.Ordinal);
                caught++;
            }
            else
            {
                Assert.True(run.ExitCode == 0, stderr);
            }
        }

        // Written to the test log: how often the window was hit on this machine.
        Console.WriteLine($"Ctrl+C after the rename: {caught} of 8 attempts answered 130 / complete");
    }

    [Fact]
    public void Merge_fix_and_bulk_resume_remove_a_killed_runs_temp_files()
    {
        foreach (string command in new[] { "merge", "fix", "bulk" })
        {
            string outDir = Directory.CreateDirectory(_dir.File("stale-" + command)).FullName;
            string output = Path.Combine(outDir, "m.safetensors");
            string stale = Path.Combine(outDir, ".m.safetensors.0123456789ab.tmp");
            File.WriteAllBytes(stale, new byte[100]);
            File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-1));
            CliRunner.Result r;
            if (command == "bulk")
            {
                string plan = _dir.File("plan.jsonl");
                File.WriteAllText(plan, $"{{\"a\":{{\"path\":\"{models.Sd1A}\"}},\"b\":{{\"path\":\"{models.Sd1C}\"}},\"mode\":\"ws\",\"alpha\":0.5,\"out\":\"{output}\"}}\n");
                Assert.Equal(0, CliRunner.Run("bulk", plan).ExitCode);
                File.WriteAllBytes(stale, new byte[100]);
                File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-1));
                r = CliRunner.Run("bulk", plan, "--resume"); // every output exists: no writer opens in the folder
            }
            else
            {
                r = command == "merge"
                    ? CliRunner.Run("merge", "-a", models.Sd1A, "-b", models.Sd1C, "-o", output)
                    : CliRunner.Run("fix", models.Sd1A, "-o", output);
            }

            Assert.True(r.ExitCode is 0 or 1, $"{command}: {r.StdErr}");
            Assert.False(File.Exists(stale), $"{command} left the killed run's temp file");
        }
    }

    [Fact]
    public void A_fifo_input_is_refused_at_once()
    {
        string fifo = _dir.File("fifo.safetensors");
        using (Process mkfifo = Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
        }

        foreach (string[] args in new[]
        {
            new[] { "merge", "-a", fifo, "-b", models.Sd1B, "-o", _dir.File("f.safetensors") },
            new[] { "merge", "-a", models.Sd1A, "-b", fifo, "-o", _dir.File("f.safetensors"), "--no-mmap" },
            new[] { "inspect", fifo },
            new[] { "hash", fifo },
        })
        {
            CliRunner.Result r = CliRunner.Run(TimeSpan.FromSeconds(30), args);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains($"{fifo}: not a regular file", r.StdErr, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("/dev/zero")]
    [InlineData("/dev/urandom")]
    [InlineData("/dev/null")]
    public void Hash_refuses_devices(string device)
    {
        CliRunner.Result r = CliRunner.Run(TimeSpan.FromSeconds(30), "hash", device);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("not a regular file", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_252_byte_output_name_is_merged()
    {
        string output = _dir.File(new string('o', 240) + ".safetensors");
        CliRunner.Result r = CliRunner.Run("merge", "-a", models.Sd1A, "-b", models.Sd1C, "-o", output);
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.True(File.Exists(output));
    }

    [Theory]
    [InlineData("{\"__metadata__\":{\"a\":\"\\ud800\"},\"t\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]}}", 2)]
    [InlineData("{\"t\":{\"dtype\":\"F16\",\"shape\":[1099511627776,1099511627776,0],\"data_offsets\":[0,0]}}", 0)]
    public void Hostile_headers_are_bad_input_in_every_command(string json, int dataBytes)
    {
        string path = _dir.File($"hostile-{dataBytes}.safetensors");
        byte[] header = System.Text.Encoding.UTF8.GetBytes(json);
        using (var f = File.Create(path))
        {
            f.Write(BitConverter.GetBytes((ulong)header.Length));
            f.Write(header);
            f.Write(new byte[dataBytes]);
        }

        foreach (string[] args in new[]
        {
            new[] { "inspect", path },
            new[] { "check", path },
            new[] { "merge", "-a", path, "-b", path, "-o", _dir.File("h.safetensors") },
        })
        {
            CliRunner.Result r = CliRunner.Run(args);
            Assert.True(r.ExitCode == 2, $"{args[0]}: exit {r.ExitCode}: {r.StdErr}");
            Assert.StartsWith($"fastmerge: {path}: ", r.StdErr, StringComparison.Ordinal);
            Assert.Equal(1, r.StdErr.Count(c => c == '\n'));
        }
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>Two SD1 models at 1/4 scale (~130 MB each): a merge long enough to be interrupted on purpose.</summary>
    private (string A, string B) BigModels()
    {
        string a = _dir.File("big-a.safetensors"), b = _dir.File("big-b.safetensors");
        foreach ((string path, int seed) in new[] { (a, 1), (b, 2) })
        {
            if (!File.Exists(path))
            {
                var r = CliRunner.Run("synth", "--arch", "sd1", "--scale", "4", "--seed", seed.ToString(CultureInfo.InvariantCulture), "-o", path);
                Assert.True(r.ExitCode == 0, r.StdErr);
            }
        }

        return (a, b);
    }

    private static Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "fastmerge.dll"));
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi)!;
    }

    private static void WaitFor(Process run, Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (run.HasExited)
            {
                Assert.Fail($"the run ended (exit {run.ExitCode}) before {what} appeared: {run.StandardError.ReadToEnd()}");
            }

            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"no {what} after a minute");
            Thread.Sleep(2);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
