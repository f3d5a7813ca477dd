using Fast.Merging.Api;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Engine;

/// <summary>The same recipe gives the same bytes whatever the thread count, read mode or output route.</summary>
public sealed class DeterminismTests(EngineModels models) : IClassFixture<EngineModels>
{
    [Theory]
    [InlineData(MergeMode.WeightSum, CalcMode.Normal)]
    [InlineData(MergeMode.AddDifference, CalcMode.Normal)]
    [InlineData(MergeMode.TripleSum, CalcMode.Normal)]
    [InlineData(MergeMode.WeightSum, CalcMode.CosineA)]
    [InlineData(MergeMode.AddDifference, CalcMode.CosineB)]
    [InlineData(MergeMode.AddDifference, CalcMode.SmoothAdd)]
    [InlineData(MergeMode.AddDifference, CalcMode.Extract)]
    [InlineData(MergeMode.AddDifference, CalcMode.TrainDifference)]
    public void Threads_and_read_mode_do_not_change_the_bytes(MergeMode mode, CalcMode calc)
    {
        MergeRecipe recipe = Recipe(mode, calc);
        string one = Merge(recipe, $"{mode}-{calc}-1", new MergeOptions { Threads = 1, Overwrite = true });
        string two = Merge(recipe, $"{mode}-{calc}-2", new MergeOptions { Threads = 2, ReadMode = ReadMode.Buffered, Overwrite = true });
        Assert.Equal(File.ReadAllBytes(one), File.ReadAllBytes(two));
    }

    [Theory]
    [InlineData(MergeMode.WeightSum, CalcMode.Normal, 1)]
    [InlineData(MergeMode.WeightSum, CalcMode.Normal, 2)]
    [InlineData(MergeMode.AddDifference, CalcMode.SmoothAdd, 2)]
    [InlineData(MergeMode.AddDifference, CalcMode.CosineB, 2)]
    public void Output_hashes_computed_while_writing_equal_the_hashes_of_the_written_file(MergeMode mode, CalcMode calc, int threads)
    {
        string output = models.Output($"det-hash-{mode}-{calc}-{threads}");
        MergeResult result = FastMerger.Merge(Recipe(mode, calc), output, new MergeOptions { Threads = threads, Overwrite = true });
        Assert.Equal(Fast.Merging.Hashing.FileHasher.Compute(output), result.OutputHashes);
    }

    [Fact]
    public void Stream_and_callback_hold_the_file_bytes()
    {
        MergeRecipe recipe = Recipe(MergeMode.AddDifference, CalcMode.SmoothAdd);
        string file = Merge(recipe, "routes", new MergeOptions { Overwrite = true });
        using var stream = new MemoryStream();
        FastMerger.MergeToStream(recipe, stream, new MergeOptions { HashInputs = true });
        Assert.Equal(File.ReadAllBytes(file), stream.ToArray());

        using SafeTensorsFile written = SafeTensorsFile.Open(file);
        var seen = new HashSet<string>();
        FastMerger.MergeToCallback(recipe, t =>
        {
            TensorInfo info = written[t.Name];
            Assert.Equal(info.DType, t.DType);
            Assert.Equal(info.Shape, t.Shape);
            Assert.True(written.GetSpan(info, 0, (int)info.ByteLength).SequenceEqual(t.Data.Span), t.Name);
            Assert.True(seen.Add(t.Name));
        });
        Assert.Equal(written.Tensors.Count, seen.Count);
    }

    [Fact]
    public void Metadata_names_the_inputs_by_sha256()
    {
        string file = Merge(Recipe(MergeMode.AddDifference, CalcMode.Normal), "metadata", new MergeOptions { Overwrite = true });
        using SafeTensorsFile written = SafeTensorsFile.Open(file);
        var metadata = written.Metadata.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("pt", metadata["format"]);
        string sha = Fast.Merging.Hashing.FileHasher.Compute(models.B).Sha256;
        Assert.Contains(sha, metadata["fastmerge.recipe"], StringComparison.Ordinal);
        Assert.Contains(sha, metadata["sd_merge_recipe"], StringComparison.Ordinal);
        Assert.Contains(sha, metadata["sd_merge_models"], StringComparison.Ordinal);
        Assert.Contains("fastmerge.version", metadata.Keys);
    }

    private MergeRecipe Recipe(MergeMode mode, CalcMode calc) => new()
    {
        Mode = mode,
        CalcMode = calc,
        Alpha = 0.4,
        Beta = 0.3,
        A = new MergeInput(models.A),
        B = new MergeInput(models.B),
        C = mode is MergeMode.AddDifference or MergeMode.TripleSum ? new MergeInput(models.C) : null,
    };

    private string Merge(MergeRecipe recipe, string name, MergeOptions options)
    {
        string output = models.Output("det-" + name);
        FastMerger.Merge(recipe, output, options);
        return output;
    }
}
