using System.Diagnostics;
using System.Globalization;

namespace Fast.Cli.Tests;

/// <summary>
/// The copy commands with an input truncated by another process while they read it (issue 21): their reads are
/// positional (never the mapping), so there is no SIGBUS, but the short read surfaced from a parallel loop as
/// "internal error: AggregateException" (exit 70, found by bench/hostile.sh). Now: exit 2, one line naming the file,
/// no temp file.
/// </summary>
public sealed class ShrinkingInputCliTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Theory]
    [InlineData("fix")]
    [InlineData("fix", "--no-mmap")]
    [InlineData("convert")]
    [InlineData("extract", "--component", "unet")]
    public async Task An_input_truncated_mid_copy_is_exit_2_naming_it_with_no_file_left(string command, params string[] extra)
    {
        string input = _dir.File("big.safetensors");
        CliRunner.Result synth = CliRunner.Run("synth", "--arch", "sd1", "--scale", "2", "--seed", "1", "-o", input);
        Assert.True(synth.ExitCode == 0, synth.StdErr);
        string outDir = Directory.CreateDirectory(_dir.File("out")).FullName;

        string[] args = [command, input, .. extra, "-o", Path.Combine(outDir, "o.safetensors")];
        using Process run = Process.Start(CliRunner.StartInfo(new Dictionary<string, string?>(), args))!;
        Task<string> stderr = run.StandardError.ReadToEndAsync();
        _ = run.StandardOutput.ReadToEndAsync();

        // The temp file appears when the output is planned, before a tensor byte is copied: truncate the input then.
        // Scale 2 (about 0.5 GB) keeps the copy running for seconds, so a quiet machine does not finish it between polls.
        var clock = Stopwatch.StartNew();
        while (Directory.GetFiles(outDir, ".*.tmp").Length == 0)
        {
            if (run.HasExited)
            {
                Assert.Fail($"{command} ended (exit {run.ExitCode}) before its temp file appeared: {await stderr}");
            }

            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), "no temp file after a minute");
            Thread.Sleep(1);    // not Task.Delay: a continuation can wait for a busy thread pool longer than the copy takes
        }

        using (var f = new FileStream(input, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            f.SetLength(f.Length / 3);
        }

        Assert.True(run.WaitForExit(TimeSpan.FromMinutes(2)), $"{command} did not stop");
        string error = await stderr;
        Assert.True(run.ExitCode == 2, string.Create(CultureInfo.InvariantCulture, $"exit {run.ExitCode}: {error}"));
        Assert.StartsWith($"fastmerge: {input} changed while being read (", error, StringComparison.Ordinal);
        Assert.Equal(1, error.Count(c => c == '\n'));
        Assert.Empty(Directory.GetFileSystemEntries(outDir));
    }

    public void Dispose() => _dir.Dispose();
}
