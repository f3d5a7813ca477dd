using Xunit;

namespace Fast.SafeTensors.Tests;

/// <summary>Reading every tensor of a canonical file and writing it back gives the same bytes.</summary>
public class RoundtripTests
{
    [Theory]
    [InlineData(ReadMode.Mapped, 1)]
    [InlineData(ReadMode.Buffered, 1)]
    [InlineData(ReadMode.Mapped, 7)]
    [InlineData(ReadMode.Buffered, 4096)]
    public void CanonicalFileRoundTripsByteForByte(ReadMode mode, int chunkBytes)
    {
        using var dir = new TempDir();
        byte[] original = CanonicalFiles.Mixed(seed: 5);
        string input = dir.Write("in.safetensors", original);
        string output = dir.File("out.safetensors");

        using (var source = SafeTensorsFile.Open(input, mode))
        {
            Assert.Equal(CanonicalFiles.MixedSpecs.Length, source.Tensors.Count);
            Assert.Equal(CanonicalFiles.MixedMetadata, source.Metadata);
            Assert.Contains(source.Tensors, t => t.Rank == 0);
            Assert.Contains(source.Tensors, t => t.ByteLength == 0);
            using var writer = SafeTensorsWriter.Create(output, source.Tensors.Select(t => t.ToSpec()), source.Metadata);
            TensorStreaming.CopyAll(source, writer, Math.Max(chunkBytes, 8));
            writer.Commit();
        }

        Assert.Equal(original, File.ReadAllBytes(output));
    }

    [Fact]
    public void WriterOutputMatchesTheCanonicalLayoutByteForByte()
    {
        using var dir = new TempDir();
        byte[] expected = CanonicalFiles.Mixed(seed: 9);
        SafeTensorsHeader header = HeaderValidator.ParseFile(expected, "expected");
        string output = dir.File("w.safetensors");
        // Specs in reverse header order: the writer decides the data order itself.
        using (var writer = SafeTensorsWriter.Create(output, header.TensorsInFileOrder.Reverse().Select(t => t.ToSpec()), header.Metadata))
        {
            foreach (TensorInfo t in header.TensorsInFileOrder)
            {
                writer.Write(t.Name, 0, expected.AsSpan((int)(header.DataOffset + t.DataStart), (int)t.ByteLength));
            }

            writer.Commit();
        }

        Assert.Equal(expected, File.ReadAllBytes(output));
    }
}
