using Fast.Merging.Api;
using Fast.Merging.Execution;
using Fast.Merging.Hashing;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Engine;

/// <summary>
/// An input truncated or rewritten in place by another process during a merge (issue 21): the merge stops with
/// "B changed while being read", no output and no temp file, in both read modes, never a crash (a truncation under
/// a mapping used to be SIGBUS) and never an output recording a hash of bytes it did not use.
/// </summary>
public sealed class ChangingInputTests(EngineModels models) : IClassFixture<EngineModels>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fast-changing-").FullName;

    [Theory]
    [InlineData(ReadMode.Mapped, true)]
    [InlineData(ReadMode.Buffered, true)]
    [InlineData(ReadMode.Mapped, false)]
    [InlineData(ReadMode.Buffered, false)]
    public void An_input_changed_mid_merge_stops_it_with_nothing_written(ReadMode mode, bool truncate)
    {
        string a = Copy(models.A, "a"), b = Copy(models.B, "b");
        string output = Path.Combine(_dir, "out.safetensors");
        var recipe = new MergeRecipe { A = new MergeInput(a), B = new MergeInput(b), Mode = MergeMode.WeightSum, Alpha = 0.3 };
        var sabotage = new OnFirstProgress(() =>
        {
            if (truncate)
            {
                using var f = new FileStream(b, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                f.SetLength(f.Length / 3);
            }
            else
            {
                RewriteInPlaceKeepingSizeAndMTime(b);
            }
        });

        var e = Assert.ThrowsAny<MergingException>(() => FastMerger.Merge(recipe, output, new MergeOptions { Threads = 1, ReadMode = mode }, sabotage));
        Assert.StartsWith("B changed while being read: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(b, e.Message, StringComparison.Ordinal);
        Assert.Equal([a, b], Directory.GetFiles(_dir).Order(StringComparer.Ordinal)); // no output, no temp file
    }

    [Fact]
    public void The_hash_cache_does_not_trust_a_file_replaced_with_the_same_size_and_mtime()
    {
        string b = Copy(models.B, "b");
        var cache = new HashCache(Path.Combine(_dir, "cache"));
        ModelHashes before = cache.Get(b);
        RewriteInPlaceKeepingSizeAndMTime(b);
        ModelHashes after = cache.Get(b);
        Assert.NotEqual(before.Sha256, after.Sha256);
        Assert.Equal(FileHasher.Compute(b), after);

        // And a fresh process reading the cache file sees the same.
        Assert.Equal(after, new HashCache(Path.Combine(_dir, "cache")).Get(b));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Copy(string from, string name)
    {
        string to = Path.Combine(_dir, name + ".safetensors");
        File.Copy(from, to);
        return to;
    }

    /// <summary>What a careless tool does: new bytes in the tensor data, same size, the old mtime put back.</summary>
    internal static void RewriteInPlaceKeepingSizeAndMTime(string path)
    {
        DateTime mtime = File.GetLastWriteTimeUtc(path);
        using (var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete))
        {
            byte[] tail = new byte[4096];
            f.Position = f.Length - tail.Length;
            f.ReadExactly(tail);
            for (int i = 0; i < tail.Length; i++)
            {
                tail[i] ^= 0x5A;
            }

            f.Position = f.Length - tail.Length;
            f.Write(tail);
        }

        File.SetLastWriteTimeUtc(path, mtime);
    }

    private sealed class OnFirstProgress(Action action) : IProgress<MergeProgress>
    {
        private int _reports;

        public void Report(MergeProgress value)
        {
            if (Interlocked.Increment(ref _reports) == 1)
            {
                action();
            }
        }
    }
}
