using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Fast.Cli.Tests;

/// <summary>
/// <c>fastmerge bulk</c> on a cluster: without <c>--shard</c>, Slurm array tasks (SLURM_ARRAY_TASK_ID) and Kubernetes
/// Indexed Job pods (JOB_COMPLETION_INDEX) each run their shard; the shards together write exactly the files of one
/// unsharded run, and a shard killed mid-run finishes with <c>--resume</c>.
/// </summary>
public sealed class BulkShardEnvironmentTests : IDisposable
{
    private const int Variants = 24;
    private static readonly Dictionary<string, string?> NoEnvironment = [];
    private readonly TempDir _dir = new();
    private readonly string _a;
    private readonly string _b;

    public BulkShardEnvironmentTests()
    {
        _a = Synth("a", 1);
        _b = Synth("b", 2);
    }

    [Fact]
    public void Four_slurm_array_tasks_write_exactly_the_files_of_one_unsharded_run()
    {
        string whole = Sweep("whole", NoEnvironment, expectExit: 0).Dir;

        // sbatch --array=0-3: every task sees the same command line, only its task id differs.
        string sharded = Path.Combine(_dir.Path, "sharded");
        for (int task = 0; task < 4; task++)
        {
            var (_, r) = Sweep("sharded", Slurm(task, min: 0, count: 4), expectExit: 0);
            Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"bulk shard {task + 1}/4 from SLURM_ARRAY_TASK_ID={task}"), r.StdErr, StringComparison.Ordinal);
            using JsonDocument json = JsonDocument.Parse(r.StdOut);
            Assert.Equal(Variants / 4, json.RootElement.GetProperty("done").GetInt32());
        }

        AssertSameFiles(whole, sharded);
    }

    [Fact]
    public void A_killed_slurm_task_resumes_and_the_shards_still_equal_one_run()
    {
        string whole = Sweep("whole", NoEnvironment, expectExit: 0).Dir;
        string sharded = Path.Combine(_dir.Path, "sharded");
        Directory.CreateDirectory(sharded);

        // --array=1-4 (Slurm's other common base): task 3 is shard 3/4. Kill it once its first output exists.
        Dictionary<string, string?> task3 = Slurm(3, min: 1, count: 4);
        using (Process run = Process.Start(CliRunner.StartInfo(task3, [.. SweepArgs(sharded), "--threads", "1", "--max-memory", "10M"]))!)
        {
            run.OutputDataReceived += (_, _) => { };
            run.ErrorDataReceived += (_, _) => { };
            run.BeginOutputReadLine();
            run.BeginErrorReadLine();
            var clock = Stopwatch.StartNew();
            while (!run.HasExited && Directory.GetFiles(sharded, "*.safetensors").Length == 0 && clock.Elapsed < TimeSpan.FromMinutes(2))
            {
                Thread.Sleep(1);
            }

            Assert.False(run.HasExited, "the shard ended before it could be killed");
            run.Kill();
            run.WaitForExit();
        }

        int before = Directory.GetFiles(sharded, "*.safetensors").Length;
        Assert.InRange(before, 1, (Variants / 4) - 1);

        // Slurm requeues a lost node's task minutes later, not milliseconds: age the killed run's temp file past the
        // writers' stale limit (younger unlocked files are spared, they may be a writer between open and lock), so
        // --resume must sweep it and the folder ends as one run's.
        foreach (string temp in Directory.GetFiles(sharded, ".*.tmp"))
        {
            File.SetLastWriteTimeUtc(temp, DateTime.UtcNow - TimeSpan.FromMinutes(5));
        }

        // The node is lost; Slurm requeues the task with the same id: --resume finishes only what is missing.
        var (_, resumed) = Sweep("sharded", task3, expectExit: 0, "--resume");
        using (JsonDocument json = JsonDocument.Parse(resumed.StdOut))
        {
            Assert.Equal(before, json.RootElement.GetProperty("skipped").GetInt32());
            Assert.Equal((Variants / 4) - before, json.RootElement.GetProperty("done").GetInt32());
        }

        foreach (int task in new[] { 1, 2, 4 })
        {
            Sweep("sharded", Slurm(task, min: 1, count: 4), expectExit: 0, "--resume");
        }

        AssertSameFiles(whole, sharded);
    }

    [Fact]
    public void Kubernetes_indexed_job_pods_shard_by_completion_index_with_the_count_from_env_or_flag()
    {
        string whole = Sweep("whole", NoEnvironment, expectExit: 0).Dir;
        for (int index = 0; index < 3; index++)
        {
            var env = new Dictionary<string, string?> { ["JOB_COMPLETION_INDEX"] = index.ToString(CultureInfo.InvariantCulture) };
            string[] count = [];
            if (index == 0)
            {
                count = ["--shard-count", "3"];
            }
            else
            {
                env["FASTMERGE_SHARD_COUNT"] = "3";
            }

            Sweep("indexed", env, expectExit: 0, count);
        }

        AssertSameFiles(whole, Path.Combine(_dir.Path, "indexed"));

        // Without a count the pod cannot know its share: a usage error, nothing written.
        var (dir, r) = Sweep("nocount", new Dictionary<string, string?> { ["JOB_COMPLETION_INDEX"] = "0" }, expectExit: 2);
        Assert.Contains("FASTMERGE_SHARD_COUNT", r.StdErr, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
    }

    public void Dispose() => _dir.Dispose();

    private static Dictionary<string, string?> Slurm(int id, int min, int count) => new()
    {
        ["SLURM_ARRAY_TASK_ID"] = id.ToString(CultureInfo.InvariantCulture),
        ["SLURM_ARRAY_TASK_MIN"] = min.ToString(CultureInfo.InvariantCulture),
        ["SLURM_ARRAY_TASK_MAX"] = (min + count - 1).ToString(CultureInfo.InvariantCulture),
        ["SLURM_ARRAY_TASK_COUNT"] = count.ToString(CultureInfo.InvariantCulture),
        ["SLURM_ARRAY_TASK_STEP"] = "1",
    };

    private string[] SweepArgs(string outDir)
    {
        // 24 variants: weighted sums at α = 0.02, 0.04, …, 0.48 over the same two models.
        return ["bulk", "-a", _a, "-b", _b, "--out-dir", outDir, "--alpha", "0.02:0.48:0.02", "--json", "--no-fsync"];
    }

    private (string Dir, CliRunner.Result Result) Sweep(string name, IReadOnlyDictionary<string, string?> environment, int expectExit, params string[] extra)
    {
        string outDir = Path.Combine(_dir.Path, name);
        Directory.CreateDirectory(outDir);
        var r = CliRunner.Run(TimeSpan.FromMinutes(2), environment, [.. SweepArgs(outDir), .. extra]);
        Assert.True(r.ExitCode == expectExit, $"exit {r.ExitCode}: {r.StdErr}");
        return (outDir, r);
    }

    private static void AssertSameFiles(string expectedDir, string actualDir)
    {
        string[] expected = [.. Directory.GetFiles(expectedDir).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        string[] actual = [.. Directory.GetFiles(actualDir).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal(Variants, expected.Length);
        Assert.Equal(expected, actual);
        foreach (string file in expected)
        {
            Assert.True(
                File.ReadAllBytes(Path.Combine(expectedDir, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actualDir, file))),
                $"{file} differs between the unsharded and the sharded run");
        }
    }

    private string Synth(string name, int seed)
    {
        string path = _dir.File(name + ".safetensors");
        var r = CliRunner.Run("synth", "--arch", "sd1", "--scale", "16", "--seed", seed.ToString(CultureInfo.InvariantCulture), "-o", path);
        Assert.True(r.ExitCode == 0, r.StdErr);
        return path;
    }
}
