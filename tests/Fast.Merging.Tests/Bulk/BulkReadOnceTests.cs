using Fast.Merging.Bulk;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Bulk;

/// <summary>A bulk run reads each input byte range once (buffered) and requests each range once (mapped), whatever the number of variants.</summary>
[Collection(SharedBulkModels.Name)]
public sealed class BulkReadOnceTests(BulkModels fixture)
{
    [Theory]
    [InlineData(ReadMode.Buffered)]
    [InlineData(ReadMode.Mapped)]
    public void Each_input_range_is_read_once_per_run(ReadMode mode)
    {
        // Cosine variants are left out: their first pass (per variant) reads the inputs before the shared pass.
        int[] some = [.. fixture.NonCosine];
        var reader = new CountingInputReader();
        BulkResult result = FastBulkMerger.Run(
            fixture.Plan(fixture.NewFolder("read-once"), some),
            new BulkOptions { Threads = 2, ReadMode = mode, Sink = BulkSinkKind.Hash },
            null,
            reader,
            null,
            CancellationToken.None,
            out long misses);

        Assert.Equal(1, result.Waves);
        Assert.Equal(0, misses);
        Assert.Equal([.. some.Select(i => fixture.ReferenceSha256[i])], result.Variants.Select(v => v.Sha256));
        Assert.Empty(reader.Overlaps());

        // Every byte of every input tensor some variant reads is covered: the ranges add up to whole tensors.
        long read = reader.Reads.Sum(r => r.Length);
        var files = reader.Reads.Select(r => r.File).Distinct().ToDictionary(f => f, f => SafeTensorsFile.Open(f));
        long distinct = reader.Reads.Select(r => (r.File, r.Tensor)).Distinct().Sum(k => files[k.File][k.Tensor].ByteLength);
        foreach (SafeTensorsFile file in files.Values)
        {
            file.Dispose();
        }

        Assert.Equal(distinct, read);
        Assert.Contains(reader.Reads, r => r.File == Path.GetFullPath(fixture.Models.Inpainting));
    }
}
