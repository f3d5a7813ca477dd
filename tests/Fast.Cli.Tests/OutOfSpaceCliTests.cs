using System.Diagnostics;

namespace Fast.Cli.Tests;

/// <summary>
/// No room for an output (issue 21): a file-size limit (<c>ulimit -f</c>, EFBIG) used to kill the process with SIGXFSZ
/// (exit 153, temp file left) or, with the signal ignored, end in "internal error: ArgumentOutOfRangeException"
/// (exit 70); a full device (ENOSPC, a 100 KiB tmpfs) was exit 2 naming the temp file. Now: exit 3, one line naming the
/// output, no file left.
/// </summary>
public sealed class OutOfSpaceCliTests(SyntheticModels models) : IClassFixture<SyntheticModels>, IDisposable
{
    private readonly TempDir _dir = new();

    [Theory]
    [InlineData("merge")]
    [InlineData("fix")]
    [InlineData("convert")]
    public void A_file_size_limit_is_exit_3_naming_the_output_with_no_file_left(string command)
    {
        string outDir = Directory.CreateDirectory(_dir.File("out-" + command)).FullName;
        string output = Path.Combine(outDir, "o.safetensors");

        // 100 blocks of 1 KiB: below the ~670 KiB output. W^X off: the runtime's double-mapped code heap is a file too.
        (int exit, string stderr) = Shell($"ulimit -f 100; exec dotnet \"$FM\" {Arguments(command, output)}");

        Assert.True(exit == 3, $"exit {exit}: {stderr}");
        Assert.StartsWith($"fastmerge: {output}: cannot write ", stderr, StringComparison.Ordinal);
        Assert.Contains("file-size limit (ulimit -f)", stderr, StringComparison.Ordinal);
        Assert.Equal(1, stderr.Count(c => c == '\n'));
        Assert.Empty(Directory.GetFileSystemEntries(outDir));
    }

    [Fact]
    public void A_full_device_is_exit_3_naming_the_output_with_no_file_left()
    {
        // A 100 KiB tmpfs in a private user and mount namespace (no root needed): a real ENOSPC.
        string mount = Directory.CreateDirectory(_dir.File("tiny")).FullName;
        string output = Path.Combine(mount, "o.safetensors");
        (int exit, string stderr) = Shell(
            $"exec unshare -rm sh -c 'mount -t tmpfs -o size=100k tmpfs \"{mount}\" && dotnet \"$FM\" {Arguments("merge", output)}; e=$?; ls -A \"{mount}\" >&2; exit $e'");

        Assert.True(exit == 3, $"exit {exit}: {stderr}");
        Assert.StartsWith($"fastmerge: {output}: cannot write ", stderr, StringComparison.Ordinal);
        Assert.Contains("no space left on the device; the output was not written", stderr, StringComparison.Ordinal);
        Assert.Equal(1, stderr.Count(c => c == '\n')); // and `ls -A` of the tmpfs printed nothing: no temp file
    }

    public void Dispose() => _dir.Dispose();

    private string Arguments(string command, string output) => command switch
    {
        "merge" => $"merge -a \"{models.Sd1A}\" -b \"{models.Sd1B}\" -o \"{output}\"",
        "fix" => $"fix \"{models.Sd1A}\" -o \"{output}\"",
        _ => $"convert \"{models.Sd1A}\" -o \"{output}\"",
    };

    private static (int Exit, string StdErr) Shell(string script)
    {
        ProcessStartInfo psi = CliRunner.StartInfo(new Dictionary<string, string?>
        {
            ["FM"] = Path.Combine(AppContext.BaseDirectory, "fastmerge.dll"),
            ["DOTNET_EnableWriteXorExecute"] = "0",
        });
        psi.FileName = "bash";
        psi.ArgumentList.Clear();
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        using Process p = Process.Start(psi)!;
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        _ = p.StandardOutput.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(2)), "did not finish");
        return (p.ExitCode, stderr.Result);
    }
}
