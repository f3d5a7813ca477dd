using System.Diagnostics;
using System.Security.Cryptography;

namespace Fast.Cli.Tests;

/// <summary>
/// Output paths as a new user gets them wrong: a sweep's --out-dir that does not exist yet is made; an output in a
/// missing folder, in /proc, in a folder that refuses files or on a read-only file system is refused with the user's
/// path and the cause (never the hidden temp file); an output that is an input under any spelling, link or hard link
/// is refused even with --overwrite; "already exists" says how to replace.
/// </summary>
public sealed class OutputPathFrictionTests : IClassFixture<SyntheticModels>, IDisposable
{
    private readonly SyntheticModels _models;
    private readonly TempDir _dir = new();

    public OutputPathFrictionTests(SyntheticModels models) => _models = models;

    [Fact]
    public void Bulk_out_dir_is_created()
    {
        string outDir = Path.Combine(_dir.Path, "new", "sweep");
        CliRunner.Result r = CliRunner.Run("bulk", "-a", _models.Sd1A, "-b", _models.Sd1B, "--out-dir", outDir, "--alpha", "0.25:0.75:0.25", "--no-fsync");
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Equal(3, Directory.GetFiles(outDir, "*.safetensors").Length);
    }

    [Fact]
    public void Output_in_a_missing_folder_names_the_folder()
    {
        string output = Path.Combine(_dir.Path, "nodir", "x.safetensors");
        AssertRefused(output, "does not exist", Path.Combine(_dir.Path, "nodir"));
    }

    [Fact]
    public void Output_in_proc_names_the_path_not_the_temp_file()
    {
        AssertRefused("/proc/x.safetensors", "/proc/x.safetensors", "/proc");
    }

    [Fact]
    public void Output_in_a_folder_without_permission_says_permission_denied()
    {
        // sysfs refuses new files with EACCES, even to root (whom a chmod'ed folder would not stop).
        AssertRefused("/sys/x.safetensors", "permission denied", "/sys/x.safetensors");
    }

    [Fact]
    public void Output_on_a_read_only_file_system_says_so()
    {
        string ro = Path.Combine(_dir.Path, "ro");
        Directory.CreateDirectory(ro);
        if (!RunTool("mount", "-t", "tmpfs", "-o", "ro", "none", ro))
        {
            // Mounting needs CAP_SYS_ADMIN (CI runs as root and has it); the cause's wording is also covered by the
            // unit test of OutputLocation.Failure.
            return;
        }

        try
        {
            AssertRefused(Path.Combine(ro, "x.safetensors"), "read-only file system", Path.Combine(ro, "x.safetensors"));
        }
        finally
        {
            RunTool("umount", ro);
        }
    }

    [Fact]
    public void An_input_as_output_is_refused_even_with_overwrite_under_any_spelling()
    {
        string a = _dir.File("a.safetensors");
        File.Copy(_models.Sd1A, a);
        string link = _dir.File("link.safetensors");
        File.CreateSymbolicLink(link, a);
        string hard = _dir.File("hard.safetensors");
        Assert.True(RunTool("ln", a, hard), "ln failed");
        string before = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(a)));
        string relative = Path.Combine(_dir.Path, "sub", "..", "a.safetensors");
        Directory.CreateDirectory(Path.Combine(_dir.Path, "sub"));
        foreach (string output in new[] { a, relative, link, hard })
        {
            CliRunner.Result r = CliRunner.Run("merge", "-a", a, "-b", _models.Sd1B, "-o", output, "--overwrite");
            Assert.True(r.ExitCode == 2, $"{output}: exit {r.ExitCode} {r.StdErr}");
            Assert.Contains("is also an input", r.StdErr, StringComparison.Ordinal);
            Assert.Equal(before, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(a))));
        }

        // B as the output, through the link, too.
        CliRunner.Result rb = CliRunner.Run("merge", "-a", _models.Sd1B, "-b", a, "-o", link, "--overwrite");
        Assert.Equal(2, rb.ExitCode);
    }

    [Fact]
    public void Already_exists_says_how_to_replace()
    {
        string output = _dir.File("exists.safetensors");
        File.WriteAllText(output, "x");
        CliRunner.Result r = CliRunner.Run("merge", "-a", _models.Sd1A, "-b", _models.Sd1B, "-o", output);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--overwrite", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("overwrite=True", r.StdErr, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();

    private void AssertRefused(string output, string mentions, string alsoMentions)
    {
        CliRunner.Result r = CliRunner.Run("merge", "-a", _models.Sd1A, "-b", _models.Sd1B, "-o", output);
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.StdErr}");
        string line = Assert.Single(r.StdErr.Trim().Split('\n'));
        Assert.Contains(mentions, line, StringComparison.Ordinal);
        Assert.Contains(alsoMentions, line, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", line, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", line, StringComparison.Ordinal);
    }

    private static bool RunTool(string command, params string[] args)
    {
        var psi = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        try
        {
            using Process p = Process.Start(psi)!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
