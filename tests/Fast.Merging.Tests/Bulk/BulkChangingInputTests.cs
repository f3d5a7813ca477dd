using Fast.Merging.Api;
using Fast.Merging.Bulk;
using Fast.Merging.Recipes;
using Fast.Merging.Tests.Engine;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Bulk;

/// <summary>
/// An input truncated or rewritten in place by another process while a bulk plan runs (issue 21): the run stops with
/// "PATH changed while being read", the wave in flight leaves no file (no temp file either) and the waves already
/// finished keep their outputs, byte-identical to <see cref="FastMerger.Merge"/>. In the mapped read mode the bulk
/// windows used to be views of the mapping, and the truncation was SIGBUS: the process died with its temp files.
/// </summary>
public sealed class BulkChangingInputTests(EngineModels models) : IClassFixture<EngineModels>, IDisposable
{
    private const int Variants = 4;
    private readonly string _dir = Directory.CreateTempSubdirectory("fast-bulk-changing-").FullName;

    [Theory]
    [InlineData(ReadMode.Mapped, true)]
    [InlineData(ReadMode.Buffered, true)]
    [InlineData(ReadMode.Mapped, false)]
    [InlineData(ReadMode.Buffered, false)]
    public void An_input_changed_mid_run_stops_it_and_keeps_the_finished_waves(ReadMode mode, bool truncate)
    {
        string a = Copy(models.A, "a"), b = Copy(models.B, "b");
        string outDir = Directory.CreateDirectory(Path.Combine(_dir, "out")).FullName;
        string referenceDir = Directory.CreateDirectory(Path.Combine(_dir, "reference")).FullName;
        var plan = new BulkPlan([.. Enumerable.Range(0, Variants).Select(i => new BulkVariant(
            i,
            new MergeRecipe { A = new MergeInput(a), B = new MergeInput(b), Mode = MergeMode.WeightSum, Alpha = 0.1 * (i + 1) },
            Path.Combine(outDir, $"v{i}.safetensors")))]);
        string firstReference = Path.Combine(referenceDir, "v0.safetensors");
        FastMerger.Merge(plan.Variants[0].Recipe, firstReference, new MergeOptions { Threads = 1 });

        // One variant per wave (the memory bound holds only the first of a wave), so the change lands between waves.
        var options = new BulkOptions { Threads = 1, ReadMode = mode, MaxMemory = BulkMemory.Floor(1) };
        var sabotage = new AfterFirstVariant(() =>
        {
            if (truncate)
            {
                using var f = new FileStream(b, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                f.SetLength(f.Length / 3);
            }
            else
            {
                ChangingInputTests.RewriteInPlaceKeepingSizeAndMTime(b);
            }
        });

        var e = Assert.Throws<InputChangedException>(() => FastBulkMerger.Run(plan, options, sabotage));

        Assert.True(sabotage.Fired);
        Assert.StartsWith($"{b} changed while being read (", e.Message, StringComparison.Ordinal);
        Assert.Contains("the bulk run stopped", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(b, e.FilePath);
        Assert.Equal([plan.Variants[0].OutputPath], Directory.GetFiles(outDir)); // no other output, no temp file
        Assert.Equal(File.ReadAllBytes(firstReference), File.ReadAllBytes(plan.Variants[0].OutputPath));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Copy(string from, string name)
    {
        string to = Path.Combine(_dir, name + ".safetensors");
        File.Copy(from, to);
        return to;
    }

    /// <summary>Runs the action once, when the first variant is reported finished (its wave is complete).</summary>
    private sealed class AfterFirstVariant(Action action) : IProgress<BulkProgress>
    {
        private int _fired;

        public bool Fired => Volatile.Read(ref _fired) == 1;

        public void Report(BulkProgress value)
        {
            if (value.VariantsDone >= 1 && Interlocked.Exchange(ref _fired, 1) == 0)
            {
                action();
            }
        }
    }
}
