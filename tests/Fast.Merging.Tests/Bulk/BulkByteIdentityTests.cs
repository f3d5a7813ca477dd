using Fast.Merging.Bulk;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Bulk;

/// <summary>Every bulk output is byte for byte what <c>merge</c> writes for the same recipe alone, whatever the sink, waves or read mode.</summary>
[Collection(SharedBulkModels.Name)]
public sealed class BulkByteIdentityTests(BulkModels fixture)
{
    [Fact]
    public void Fifty_mixed_variants_are_each_identical_to_a_merge_alone()
    {
        string folder = fixture.NewFolder("fifty");
        BulkResult result = FastBulkMerger.Run(fixture.Plan(folder), new BulkOptions { Threads = 2 });

        Assert.Equal(50, result.Variants.Count);
        Assert.All(result.Variants, v => Assert.True(v.Status == BulkVariantStatus.Done, v.Error));
        Assert.Equal(1, result.Waves);
        for (int i = 0; i < fixture.Variants.Count; i++)
        {
            string output = result.Variants[i].Variant.OutputPath;
            Assert.True(File.ReadAllBytes(fixture.References[i]).AsSpan().SequenceEqual(File.ReadAllBytes(output)), $"variant {i} ({fixture.Variants[i].Recipe.Mode}, {fixture.Variants[i].Recipe.CalcMode}) differs");
            Assert.Equal(BulkModels.Sha256(output), result.Variants[i].Sha256);
        }

        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
    }

    [Fact]
    public void Hash_sink_reports_the_sha256_of_the_files_and_writes_nothing()
    {
        string folder = fixture.NewFolder("hash");
        BulkResult result = FastBulkMerger.Run(fixture.Plan(folder), new BulkOptions { Threads = 2, Sink = BulkSinkKind.Hash, ReadMode = ReadMode.Buffered });

        Assert.Equal(fixture.ReferenceSha256, result.Variants.Select(v => v.Sha256));
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
    }

    [Fact]
    public void Waves_under_a_small_memory_bound_give_the_same_bytes()
    {
        string folder = fixture.NewFolder("waves");
        int[] some = [.. fixture.NonCosine.Take(16)];
        var options = new BulkOptions { Threads = 1, MaxMemory = BulkModels.SmallMemory };
        BulkResult result = FastBulkMerger.Run(fixture.Plan(folder, some), options);

        Assert.True(result.Waves > 1, $"{result.Waves} wave(s)");
        Assert.Equal(result.Waves, result.Variants.Max(v => v.Wave));
        for (int i = 0; i < some.Length; i++)
        {
            Assert.Equal(BulkVariantStatus.Done, result.Variants[i].Status);
            Assert.Equal(File.ReadAllBytes(fixture.References[some[i]]), File.ReadAllBytes(result.Variants[i].Variant.OutputPath));
        }
    }

    [Fact]
    public void Null_sink_computes_every_variant_and_writes_nothing()
    {
        string folder = fixture.NewFolder("null");
        BulkResult result = FastBulkMerger.Run(fixture.Plan(folder, fixture.Normal), new BulkOptions { Threads = 2, Sink = BulkSinkKind.Null });

        Assert.All(result.Variants, v => Assert.Equal(BulkVariantStatus.Done, v.Status));
        Assert.Equal(result.Variants.Sum(v => new FileInfo(fixture.References[v.Variant.Index]).Length - DataOffset(fixture.References[v.Variant.Index])), result.BytesProduced);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
    }

    [Fact]
    public void Callback_receives_each_variants_tensors_as_the_file_holds_them()
    {
        int[] some = [0, 13, 32, 33, 43];
        var seen = new Dictionary<int, HashSet<string>>();
        Dictionary<int, SafeTensorsFile> references = some.ToDictionary(i => i, i => SafeTensorsFile.Open(fixture.References[i]));
        BulkResult result = FastBulkMerger.RunToCallback(
            fixture.Plan(fixture.NewFolder("callback"), some),
            (index, tensor) =>
            {
                SafeTensorsFile reference = references[index];
                TensorInfo info = reference[tensor.Name];
                Assert.Equal(info.DType, tensor.DType);
                Assert.True(reference.GetSpan(info, 0, (int)info.ByteLength).SequenceEqual(tensor.Data.Span), $"{index} {tensor.Name}");
                Assert.True((seen.TryGetValue(index, out HashSet<string>? names) ? names : seen[index] = []).Add(tensor.Name));
            },
            new BulkOptions { Threads = 2 });

        Assert.All(result.Variants, v => Assert.Equal(BulkVariantStatus.Done, v.Status));
        foreach (int index in some)
        {
            Assert.Equal(references[index].Tensors.Count, seen[index].Count);
            references[index].Dispose();
        }
    }

    private static long DataOffset(string path)
    {
        using SafeTensorsFile file = SafeTensorsFile.Open(path);
        return file.DataOffset;
    }
}
