using Xunit;

namespace Fast.SafeTensors.Tests;

public class ReaderTests
{
    [Fact]
    public void CopyToAndGetSpanAgreeAtEveryOffset()
    {
        using var dir = new TempDir();
        byte[] bytes = CanonicalFiles.Mixed(seed: 11);
        string path = dir.Write("m.safetensors", bytes);
        using var mapped = SafeTensorsFile.Open(path, ReadMode.Mapped);
        using var buffered = SafeTensorsFile.Open(path, ReadMode.Buffered);
        foreach (TensorInfo t in mapped.Tensors)
        {
            TensorInfo b = buffered[t.Name];
            for (long offset = 0; offset <= t.ByteLength; offset++)
            {
                int length = (int)(t.ByteLength - offset);
                var viaCopy = new byte[length];
                buffered.CopyTo(b, offset, viaCopy);
                var viaMappedCopy = new byte[length];
                mapped.CopyTo(t, offset, viaMappedCopy);
                byte[] viaSpan = mapped.GetSpan(t, offset, length).ToArray();
                byte[] expected = bytes.AsSpan((int)(mapped.DataOffset + t.DataStart + offset), length).ToArray();
                Assert.Equal(expected, viaCopy);
                Assert.Equal(expected, viaMappedCopy);
                Assert.Equal(expected, viaSpan);
            }
        }
    }

    [Fact]
    public void BufferedModeHasNoZeroCopyViews()
    {
        using var dir = new TempDir();
        using var file = SafeTensorsFile.Open(dir.Write("b.safetensors", CanonicalFiles.Mixed()), ReadMode.Buffered);
        Assert.Throws<InvalidOperationException>(() => file.GetSpan(file.Tensors[0], 0, 1).ToArray());
    }

    [Fact]
    public void RangesOutsideTheTensorAndForeignTensorsAreRejected()
    {
        using var dir = new TempDir();
        string path = dir.Write("r.safetensors", CanonicalFiles.Mixed());
        using var file = SafeTensorsFile.Open(path);
        using var other = SafeTensorsFile.Open(path);
        TensorInfo t = file["logit_scale"];
        Assert.Throws<ArgumentOutOfRangeException>(() => file.CopyTo(t, 1, new byte[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => file.CopyTo(t, -1, new byte[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => file.GetSpan(t, long.MaxValue, 1).ToArray());
        Assert.Throws<ArgumentException>(() => file.CopyTo(other["logit_scale"], 0, new byte[4]));
        Assert.Throws<KeyNotFoundException>(() => file["missing"]);
        Assert.False(file.TryGetTensor("missing", out _));
    }

    [Fact]
    public void DisposedFileRefusesReads()
    {
        using var dir = new TempDir();
        var file = SafeTensorsFile.Open(dir.Write("d.safetensors", CanonicalFiles.Mixed()));
        TensorInfo t = file.Tensors[0];
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => file.GetSpan(t, 0, 1).ToArray());
    }

    [Theory]
    [InlineData(DType.F16, 7, 6)]
    [InlineData(DType.F6_E2M3, 8, 6)]
    [InlineData(DType.F4, 1, 1)]
    public void ChunksNeverSplitAnElement(DType dtype, int maxChunk, int expectedChunk)
    {
        TensorInfo t = TensorLayoutPlanner.Plan([new TensorSpec("x", dtype, [40])])[0];
        TensorChunk[] chunks = [.. t.Chunks(maxChunk)];
        Assert.All(chunks[..^1], c => Assert.Equal(expectedChunk, c.Length));
        Assert.Equal(t.ByteLength, chunks.Sum(c => (long)c.Length));
        Assert.Equal(chunks.Length, t.Chunks(maxChunk).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Chunks(DTypeInfo.ElementGroupBytes(dtype) - 1));
    }
}
