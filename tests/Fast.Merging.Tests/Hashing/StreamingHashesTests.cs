using Fast.Merging.Api;
using Fast.Merging.Architectures;
using Fast.Merging.Hashing;
using Fast.Merging.Recipes;
using Fast.Merging.Synthesis;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Hashing;

/// <summary>
/// The default merge hashes its inputs while it reads them and its output while it writes it (issue 17): the file is
/// byte for byte what a merge with every hash known up front writes, the recorded hashes are sha256sum's, and every
/// input byte is hashed once whatever the merge skips. Inputs are fresh copies (new inodes), so the process-wide hash
/// cache has never seen them: the first merge is a cold one.
/// </summary>
public sealed class StreamingHashesTests : IDisposable
{
    private const string List26 = "0.5,1,0.9,0.8,0.7,0.6,0.5,0.4,0.3,0.2,0.1,0,0,0.5,0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1,0.5";

    private readonly TempDir _dir = new("fastmerge-streaming-hashes-");

    [Theory]
    [InlineData(ReadMode.Mapped, false)]
    [InlineData(ReadMode.Buffered, true)]
    public void A_cold_merge_writes_the_bytes_of_a_warm_one_and_records_every_hash(ReadMode mode, bool partialReads)
    {
        // Scale 16: files of a few MiB, so A1111's legacy window at 1 MiB lies inside them.
        string a = Model("a", SyntheticDTypes.F16, 1), b = Model("b", SyntheticDTypes.F16, 2);
        MergeRecipe recipe = new() { A = new MergeInput(a), B = new MergeInput(b), WeightsAlpha = List26 };
        if (partialReads)
        {
            // Excluded keys are never read from B, and reset position ids are not read at all: the input hashes must
            // still cover every byte.
            recipe = recipe with { Exclude = ["VAE", "IN04"], PositionIds = PositionIdsPolicy.Reset };
        }

        var options = new MergeOptions { Threads = 2, ReadMode = mode };
        Assert.False(HashCache.Default.TryGet(a, FileStamp.OfPath(a), out _));
        MergeResult cold = FastMerger.Merge(recipe, _dir.File("cold.safetensors"), options);
        MergeResult warm = FastMerger.Merge(recipe, _dir.File("warm.safetensors"), options);

        Assert.Equal(File.ReadAllBytes(_dir.File("warm.safetensors")), File.ReadAllBytes(_dir.File("cold.safetensors")));
        Assert.Equal([FileHasher.Compute(a), FileHasher.Compute(b)], cold.InputHashes);
        Assert.Equal(cold.InputHashes, warm.InputHashes);
        Assert.Equal(FileHasher.Compute(_dir.File("cold.safetensors")), cold.OutputHashes);
        Assert.Equal(cold.OutputHashes, warm.OutputHashes);
        Assert.Equal(cold.Plan.Metadata, warm.Plan.Metadata);

        // The cache learnt the inputs during the cold merge and the output from the digest, stamped as the file now is.
        Assert.True(HashCache.Default.TryGet(a, FileStamp.OfPath(a), out ModelHashes? cachedA));
        Assert.Equal(cold.InputHashes[0], cachedA);
        string output = _dir.File("cold.safetensors");
        Assert.True(HashCache.Default.TryGet(output, FileStamp.OfPath(output), out ModelHashes? cachedOut));
        Assert.Equal(cold.OutputHashes, cachedOut);

        // The header holds the real hashes, not the placeholders it was planned with.
        using SafeTensorsFile written = SafeTensorsFile.Open(output);
        string models = written.Metadata.Single(m => m.Key == A1111MergeMetadata.ModelsKey).Value;
        Assert.Contains(cold.InputHashes[0].Sha256, models, StringComparison.Ordinal);
        Assert.Contains(cold.InputHashes[1].Sha256, models, StringComparison.Ordinal);
        Assert.Contains(cold.InputHashes[1].LegacyHash, models, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('0', 64), models, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('1', 64), models, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_hashes_and_without_fsync_the_bytes_are_the_same()
    {
        string a = Model("a", SyntheticDTypes.F16, 3), b = Model("b", SyntheticDTypes.BF16, 4);
        MergeRecipe recipe = new() { A = new MergeInput(a), B = new MergeInput(b), Alpha = 0.3 };
        MergeResult hashed = FastMerger.Merge(recipe, _dir.File("default.safetensors"));
        MergeResult plain = FastMerger.Merge(recipe, _dir.File("plain.safetensors"), new MergeOptions { HashOutput = false, FlushToDisk = false });
        Assert.Null(plain.OutputHashes);
        Assert.Equal(File.ReadAllBytes(_dir.File("default.safetensors")), File.ReadAllBytes(_dir.File("plain.safetensors")));
        Assert.Equal(FileHasher.Compute(_dir.File("default.safetensors")), hashed.OutputHashes);
    }

    [Fact]
    public void Two_inputs_with_the_same_bytes_give_the_header_a_merge_with_known_hashes_writes()
    {
        // Distinct files with equal bytes: the placeholders listed two models in sd_merge_models, the real hashes one,
        // so the header changes length; the merge runs again with the hashes now known.
        string a = Model("a", SyntheticDTypes.F16, 5);
        string copy = _dir.File("copy.safetensors");
        File.Copy(a, copy);
        MergeRecipe recipe = new() { A = new MergeInput(a), B = new MergeInput(copy), Alpha = 0.3 };
        MergeResult cold = FastMerger.Merge(recipe, _dir.File("cold.safetensors"));
        MergeResult warm = FastMerger.Merge(recipe, _dir.File("warm.safetensors"));
        Assert.Equal(File.ReadAllBytes(_dir.File("warm.safetensors")), File.ReadAllBytes(_dir.File("cold.safetensors")));
        Assert.Equal(FileHasher.Compute(_dir.File("cold.safetensors")), cold.OutputHashes);
        Assert.Equal(cold.InputHashes[0], cold.InputHashes[1]);
        using SafeTensorsFile written = SafeTensorsFile.Open(_dir.File("cold.safetensors"));
        string models = written.Metadata.Single(m => m.Key == A1111MergeMetadata.ModelsKey).Value;
        Assert.Single(System.Text.Json.JsonDocument.Parse(models).RootElement.EnumerateObject());
        Assert.Equal(cold.Plan.Metadata, warm.Plan.Metadata);
    }

    [Fact]
    public void A_three_model_merge_records_each_input_once_hashed()
    {
        string a = Model("a", SyntheticDTypes.F16, 6), b = Model("b", SyntheticDTypes.F16, 7), c = Model("c", SyntheticDTypes.F16, 8);
        MergeRecipe recipe = new() { A = new MergeInput(a), B = new MergeInput(b), C = new MergeInput(c), Mode = MergeMode.AddDifference, Alpha = 0.5 };
        MergeResult cold = FastMerger.Merge(recipe, _dir.File("ad.safetensors"));
        Assert.Equal([FileHasher.Compute(a), FileHasher.Compute(b), FileHasher.Compute(c)], cold.InputHashes);
        Assert.Equal(FileHasher.Compute(_dir.File("ad.safetensors")), cold.OutputHashes);
        MergeResult known = FastMerger.Merge(recipe, _dir.File("ad-warm.safetensors"));
        Assert.Equal(File.ReadAllBytes(_dir.File("ad-warm.safetensors")), File.ReadAllBytes(_dir.File("ad.safetensors")));
        Assert.Equal(cold.Plan.Metadata, known.Plan.Metadata);
    }

    public void Dispose() => _dir.Dispose();

    private string Model(string name, string dtype, ulong seed) =>
        SyntheticCheckpoint.Write(_dir.File($"{name}-{seed}.safetensors"), ArchitectureId.Sd1, dtype, seed, scale: 16);
}
