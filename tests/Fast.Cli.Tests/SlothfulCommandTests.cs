using System.Text.Json;
using Fast.SafeTensors;

namespace Fast.Cli.Tests;

/// <summary>
/// <c>fastmerge slothful plan</c> output and the one-line, exit-2 errors of <c>slothful replay</c>. The replay of the
/// real goldens (960/960) runs in .ci/slothful.sh, which needs torch for reference.py.
/// </summary>
public class SlothfulCommandTests
{
    private static readonly string[] Columns =
        ["t", "side(0=in,1=out)", "ds", "C", "n_heads", "N", "h", "w", "pooled", "s", "sy", "sx", "M1d", "M1d_shortcut", "M2d", "M2d_shortcut"];

    [Fact]
    public void PlanShowsTheSpecsWorkedNumbers()
    {
        var r = CliRunner.Run("slothful", "plan", "--model", "sd15", "--size", "512x512", "--steps", "600", "--compat", "2023");
        Assert.Equal(0, r.ExitCode);
        string[] lines = r.StdOut.Split('\n');
        // OUT level 1 at t = 600: stride 6 (slothful swapped), 3×2 windows, 672 of 4096 tokens; IN level 2 does not pool.
        Assert.Contains(lines, l => l.Contains("600  out    1", StringComparison.Ordinal) && l.Contains("6.0000", StringComparison.Ordinal) && l.Contains("3x2", StringComparison.Ordinal) && l.Contains("672", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("600  in     2", StringComparison.Ordinal) && l.Contains(" -  ", StringComparison.Ordinal));
    }

    [Fact]
    public void PlanRejectsABlendOutsideTheUnitInterval()
    {
        var r = CliRunner.Run("slothful", "plan", "--model", "sd15", "--size", "512x512", "--k-blend", "1.5");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("k_blend must lie in [0, 1]", r.StdErr, StringComparison.Ordinal);
        Assert.Single(r.StdErr.Trim().Split('\n'));
    }

    [Fact]
    public void UnknownSubcommandOrModeExitsTwo()
    {
        Assert.Equal(2, CliRunner.Run("slothful", "frob").ExitCode);
        var r = CliRunner.Run("slothful", "plan", "--model", "sd15", "--size", "512x512", "--mode", "3D_AVG");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown pooling mode '3D_AVG'", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void ReplayReportsDepthZeroAndWritesNothing()
    {
        using var dir = new TempDir();
        string golden = Golden(dir, levelChannels: 160, inputShape: [1, 4, 2]);
        string output = dir.File("out.safetensors");
        var r = CliRunner.Run("slothful", "replay", golden, "-o", output);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("depth is 0", r.StdErr, StringComparison.Ordinal);
        Assert.Single(r.StdErr.Trim().Split('\n'));
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void ReplayReportsAnInputThatDoesNotMatchTheCase()
    {
        using var dir = new TempDir();
        string golden = Golden(dir, levelChannels: 320, inputShape: [1, 5, 2]);
        string output = dir.File("out.safetensors");
        var r = CliRunner.Run("slothful", "replay", golden, "-o", output);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("golden.safetensors", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("expected F32[1, 4, 2]", r.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void ReplayOfAFileWithoutGoldenMetadataNamesTheFile()
    {
        using var dir = new TempDir();
        string path = dir.File("plain.safetensors");
        using (SafeTensorsWriter w = SafeTensorsWriter.Create(path, [new TensorSpec("x", DType.F32, [1])]))
        {
            w.Write("x", 0, new byte[4]);
            w.Commit();
        }

        var r = CliRunner.Run("slothful", "replay", path, "-o", dir.File("o.safetensors"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("plain.safetensors: __metadata__ has no 'cases'", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void ReplayComputesAPassThroughAndAPooledCase()
    {
        using var dir = new TempDir();
        string golden = Golden(dir, levelChannels: 320, inputShape: [1, 4, 2]);
        string output = dir.File("out.safetensors");
        var r = CliRunner.Run("slothful", "replay", golden, "-o", output, "--threads", "2");
        Assert.Equal(0, r.ExitCode);
        using SafeTensorsFile f = SafeTensorsFile.Open(output);
        // t = 600, fixed, IN uses in_slothful 6 at depth 1 → stride 6 on a 2×2 grid: sy = 2 (clamped), sx = 2 → one token.
        Assert.Equal([1L, 1, 2], f["case/a/K"].Shape);
        Assert.Equal([1L, 2, 3], f["case/b/K"].Shape);              // the direct 1×2 grid at stride 1: pass-through
        Assert.Equal(DType.I64, f["sched/l/default/fixed/i64"].DType);
    }

    private static string Golden(TempDir dir, int levelChannels, long[] inputShape)
    {
        var cases = new Dictionary<string, object>
        {
            ["case/a"] = new Dictionary<string, object>
            {
                ["latent"] = "l", ["side"] = "in", ["ds"] = 1, ["t"] = 600, ["mode"] = "2D_AVG", ["kb"] = 0.3, ["vb"] = 0.3,
                ["dtype"] = "F32", ["pset"] = "default", ["version"] = "fixed", ["B"] = 1, ["C"] = 2, ["input"] = "in/x",
                ["stride"] = "999.0", ["grid_used"] = new[] { 9, 9 },         // derived fields the replay must ignore
            },
            ["case/b"] = new Dictionary<string, object>
            {
                ["grid"] = new[] { 1, 2 }, ["stride"] = "1.0", ["mode"] = "1D_MAX", ["kb"] = 0.5, ["vb"] = 0.5,
                ["dtype"] = "F32", ["version"] = "2023", ["B"] = 1, ["C"] = 3, ["input"] = "in/y",
            },
        };
        var pset = new Dictionary<string, double>
        {
            ["peak_time"] = 0.4, ["time_decay"] = 2, ["in_depth_decay"] = 2, ["in_slothful"] = 6, ["out_depth_decay"] = 2, ["out_slothful"] = 4,
        };
        var meta = new Dictionary<string, string>
        {
            ["cases"] = JsonSerializer.Serialize(cases),
            ["psets"] = JsonSerializer.Serialize(new Dictionary<string, object> { ["default"] = pset }),
            ["latents"] = JsonSerializer.Serialize(new Dictionary<string, object[]> { ["l"] = ["m", 2, 2] }),
            ["models"] = JsonSerializer.Serialize(new Dictionary<string, object[]> { ["m"] = [320, new[] { new[] { 1, levelChannels, 8 } }] }),
            ["sched_t"] = "[600]",
            ["sched_columns"] = JsonSerializer.Serialize(Columns),
        };
        string path = dir.File("golden.safetensors");
        TensorSpec x = new("in/x", DType.F32, inputShape), y = new("in/y", DType.F32, [1, 2, 3]), s = new("sched/l/default/fixed/i64", DType.I64, [1, 16]);
        using (SafeTensorsWriter w = SafeTensorsWriter.Create(path, [x, y, s], meta))
        {
            w.Write("in/x", 0, new byte[inputShape.Aggregate(4L, (a, b) => a * b)]);
            w.Write("in/y", 0, new byte[24]);
            w.Write("sched/l/default/fixed/i64", 0, new byte[128]);
            w.Commit();
        }

        return path;
    }
}
