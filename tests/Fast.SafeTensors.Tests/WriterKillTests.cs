using System.Diagnostics;
using System.Reflection;
using Xunit;

namespace Fast.SafeTensors.Tests;

/// <summary>
/// SPEC §1.2: a writer killed midway leaves no output, or the previous file, never a torn one.
/// The writer runs in a child process (tests/Fast.SafeTensors.WriterVictim) that is killed mid-write.
/// </summary>
public class WriterKillTests
{
    private static readonly string s_victim = typeof(WriterKillTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "WriterVictimPath").Value!;

    [Fact]
    public void KilledWriterLeavesNoOutput()
    {
        using var dir = new TempDir();
        string output = dir.File("killed.safetensors");
        string temp = RunAndKill(output, overwrite: false);
        Assert.False(File.Exists(output));
        Assert.True(File.Exists(temp), "the victim had not started writing; the test proved nothing");
    }

    [Fact]
    public void KilledWriterLeavesThePreviousFileIntact()
    {
        using var dir = new TempDir();
        byte[] previous = CanonicalFiles.Mixed(seed: 4);
        string output = dir.Write("previous.safetensors", previous);
        RunAndKill(output, overwrite: true);
        Assert.Equal(previous, File.ReadAllBytes(output));
    }

    [Fact]
    public void UnkilledVictimProducesAValidFile()
    {
        // The control: the same child, left alone, does create the file the kill tests expect to be absent.
        using var dir = new TempDir();
        string output = dir.File("complete.safetensors");
        using Process victim = StartVictim(output, delayMs: 0, overwrite: false);
        Assert.True(victim.WaitForExit(60_000));
        Assert.Equal(0, victim.ExitCode);
        using var file = SafeTensorsFile.Open(output, ReadMode.Buffered);
        TensorInfo weights = file["weights"];
        Span<byte> last = stackalloc byte[1];
        file.CopyTo(weights, weights.ByteLength - 1, last);
        Assert.Equal(32, last[0]);
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    private static string RunAndKill(string output, bool overwrite)
    {
        using Process victim = StartVictim(output, delayMs: 200, overwrite);
        string? line = victim.StandardOutput.ReadLine();
        Assert.NotNull(line);
        Assert.StartsWith("started ", line, StringComparison.Ordinal);
        victim.Kill(entireProcessTree: true);
        Assert.True(victim.WaitForExit(30_000));
        return line["started ".Length..];
    }

    private static Process StartVictim(string output, int delayMs, bool overwrite)
    {
        Assert.True(File.Exists(s_victim), $"writer victim not built at {s_victim}");
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(s_victim);
        start.ArgumentList.Add(output);
        start.ArgumentList.Add(delayMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(overwrite ? "true" : "false");
        return Process.Start(start)!;
    }

    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        string? self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}
