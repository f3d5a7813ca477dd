using Fast.Merging.Bulk;

namespace Fast.Merging.Tests.Bulk;

/// <summary>Resume after an interrupted run, and shards of a plan.</summary>
[Collection(SharedBulkModels.Name)]
public sealed class BulkResumeShardTests(BulkModels fixture)
{
    [Fact]
    public void Resume_after_a_cancelled_run_runs_only_the_remaining_variants()
    {
        string folder = fixture.NewFolder("resume");
        int[] some = [.. fixture.Normal.Take(8)];
        BulkPlan plan = fixture.Plan(folder, some);
        var options = new BulkOptions { Threads = 1, MaxMemory = BulkModels.SmallMemory };
        using var cancel = new CancellationTokenSource();
        var cancelAfterFirstWave = new SyncProgress(p =>
        {
            if (p.VariantsDone > 0)
            {
                cancel.Cancel();
            }
        });

        Assert.ThrowsAny<OperationCanceledException>(() => FastBulkMerger.Run(plan, options, cancelAfterFirstWave, cancel.Token));
        string[] written = [.. plan.Variants.Select(v => v.OutputPath).Where(File.Exists)];
        Assert.InRange(written.Length, 1, some.Length - 1);
        Assert.Empty(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories).Concat(Directory.GetFiles(folder, ".*")));

        BulkResult resumed = FastBulkMerger.Run(plan, options with { Resume = true });

        Assert.Equal(written.Length, resumed.Variants.Count(v => v.Status == BulkVariantStatus.Skipped));
        Assert.Equal(some.Length - written.Length, resumed.Variants.Count(v => v.Status == BulkVariantStatus.Done));
        Assert.All(resumed.Variants.Where(v => v.Status == BulkVariantStatus.Skipped), v => Assert.Contains(v.Variant.OutputPath, written));
        for (int i = 0; i < some.Length; i++)
        {
            Assert.Equal(File.ReadAllBytes(fixture.References[some[i]]), File.ReadAllBytes(plan.Variants[i].OutputPath));
            Assert.Equal(fixture.ReferenceSha256[some[i]], resumed.Variants[i].Sha256);
        }
    }

    [Fact]
    public void Resume_reruns_an_output_whose_recipe_differs_when_overwriting()
    {
        string folder = fixture.NewFolder("resume-differs");
        BulkPlan plan = fixture.Plan(folder, [0]);
        File.Copy(fixture.References[1], plan.Variants[0].OutputPath); // another recipe's output at this path

        BulkResult refused = FastBulkMerger.Run(plan, new BulkOptions { Threads = 1, Resume = true });
        Assert.Equal(BulkVariantStatus.Failed, refused.Variants[0].Status);
        Assert.Contains("already exists", refused.Variants[0].Error, StringComparison.Ordinal);

        BulkResult rerun = FastBulkMerger.Run(plan, new BulkOptions { Threads = 1, Resume = true, Overwrite = true });
        Assert.Equal(BulkVariantStatus.Done, rerun.Variants[0].Status);
        Assert.Equal(File.ReadAllBytes(fixture.References[0]), File.ReadAllBytes(plan.Variants[0].OutputPath));
    }

    [Fact]
    public void Three_shards_together_are_the_unsharded_run()
    {
        BulkPlan plan = fixture.Plan(fixture.NewFolder("shards"), fixture.Normal.Take(14));
        var options = new BulkOptions { Threads = 2, Sink = BulkSinkKind.Hash };
        BulkResult whole = FastBulkMerger.Run(plan, options);

        BulkPlan[] shards = [.. Enumerable.Range(1, 3).Select(i => plan.Shard(i, 3))];
        int[] indexes = [.. shards.SelectMany(s => s.Variants.Select(v => v.Index))];
        Assert.Equal(plan.Variants.Count, indexes.Length);
        Assert.Equal(plan.Variants.Select(v => v.Index).Order(), indexes.Order());
        Assert.All(shards, s => Assert.InRange(s.Variants.Count, (plan.Variants.Count / 3) - 1, (plan.Variants.Count / 3) + 1));

        var sharded = shards.SelectMany(s => FastBulkMerger.Run(s, options).Variants).ToDictionary(v => v.Variant.Index, v => v.Sha256);
        Assert.Equal(whole.Variants.ToDictionary(v => v.Variant.Index, v => v.Sha256), sharded);
    }

    [Fact]
    public void Shard_index_out_of_range_is_refused()
    {
        BulkPlan plan = fixture.Plan(fixture.NewFolder("shard-bad"), [0, 1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => plan.Shard(0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => plan.Shard(4, 3));
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool, too late to cancel at a wave's end).</summary>
    private sealed class SyncProgress(Action<BulkProgress> report) : IProgress<BulkProgress>
    {
        public void Report(BulkProgress value) => report(value);
    }
}
