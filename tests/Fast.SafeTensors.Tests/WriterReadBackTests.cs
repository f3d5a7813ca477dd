using System.Security.Cryptography;
using Xunit;

namespace Fast.SafeTensors.Tests;

/// <summary>
/// What a streaming hash of the output needs from the writer (issue 17): the header's metadata replaced in place
/// before the commit when the length allows, the written prefix followed in file order whatever order the writes
/// come in, and the file read back from the commit's callback.
/// </summary>
public class WriterReadBackTests
{
    private static readonly TensorSpec[] Specs = [new("w", DType.F16, [3000]), new("x", DType.F32, [50]), new("y", DType.U8, [7])];

    [Fact]
    public void Metadata_of_the_same_length_is_patched_and_the_file_equals_one_written_with_it()
    {
        using var dir = new TempDir();
        KeyValuePair<string, string>[] placeholder = [new("format", "pt"), new("hash", new string('0', 64))];
        KeyValuePair<string, string>[] final = [new("format", "pt"), new("hash", Convert.ToHexStringLower(SHA256.HashData("x"u8)))];
        byte[][] data = [.. Specs.Select((s, i) => Bytes(i, s))];

        string direct = Write(dir.File("direct.safetensors"), final, data, writer => { });
        string patched = Write(dir.File("patched.safetensors"), placeholder, data, writer => Assert.True(writer.TryReplaceMetadata(final)));
        Assert.Equal(File.ReadAllBytes(direct), File.ReadAllBytes(patched));
    }

    [Fact]
    public void Metadata_of_another_length_is_refused_and_nothing_is_written()
    {
        using var dir = new TempDir();
        KeyValuePair<string, string>[] metadata = [new("format", "pt"), new("hash", "0123")];
        byte[][] data = [.. Specs.Select((s, i) => Bytes(i, s))];
        string reference = Write(dir.File("reference.safetensors"), metadata, data, writer => { });

        // Longer by more than the padding can absorb: refused, and the file keeps its header.
        string kept = Write(dir.File("kept.safetensors"), metadata, data, writer => Assert.False(writer.TryReplaceMetadata([new("format", "pt"), new("hash", new string('9', 80))])));
        Assert.Equal(File.ReadAllBytes(reference), File.ReadAllBytes(kept));
    }

    [Fact]
    public void The_written_prefix_follows_out_of_order_writes_and_reads_back_from_the_commit()
    {
        using var dir = new TempDir();
        string path = dir.File("out.safetensors");
        byte[][] data = [.. Specs.Select((s, i) => Bytes(i, s))];
        byte[]? readBack = null;
        using (var writer = SafeTensorsWriter.Create(path, Specs, [new("format", "pt")]))
        {
            long head = writer.DataOffset;
            Assert.Equal(head, writer.WrittenPrefixLength);
            TensorInfo first = writer.Layout[0], second = writer.Layout[1], third = writer.Layout[2];

            // The second half of the first tensor and the later tensors come first: the prefix stays at the header.
            int half = (int)first.ByteLength / 2;
            writer.Write(first, half, data[Array.FindIndex(Specs, s => s.Name == first.Name)].AsSpan(half));
            writer.Write(third, 0, Data(data, third));
            Assert.Equal(head, writer.WrittenPrefixLength);
            writer.Write(second, 0, Data(data, second));
            Assert.Equal(head, writer.WrittenPrefixLength);

            // The gap closes: the prefix jumps over everything written ahead.
            writer.Write(first, 0, Data(data, first).AsSpan(0, half));
            Assert.Equal(writer.FileLength, writer.WaitForWrittenBeyond(head, CancellationToken.None));
            Assert.False(writer.RewrittenBehindReader);

            writer.CommitAfterFlush(() =>
            {
                readBack = new byte[writer.FileLength];
                Assert.Equal(readBack.Length, writer.ReadBack(0, readBack));
            });
        }

        Assert.Equal(File.ReadAllBytes(path), readBack);
    }

    [Fact]
    public void A_failing_commit_callback_leaves_no_output()
    {
        using var dir = new TempDir();
        string path = dir.File("out.safetensors");
        using (var writer = SafeTensorsWriter.Create(path, Specs, [new("format", "pt")]))
        {
            foreach (TensorInfo t in writer.Layout)
            {
                writer.Write(t, 0, new byte[t.ByteLength]);
            }

            Assert.Throws<InvalidOperationException>(() => writer.CommitAfterFlush(() => throw new InvalidOperationException("hash failed")));
        }

        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    private static byte[] Data(byte[][] data, TensorInfo tensor) => data[Array.FindIndex(Specs, s => s.Name == tensor.Name)];

    private static byte[] Bytes(int seed, TensorSpec spec)
    {
        long elements = spec.Shape.Aggregate(1L, (n, d) => n * d);
        byte[] bytes = new byte[elements * DTypeInfo.BitSize(spec.DType) / 8];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string Write(string path, KeyValuePair<string, string>[] metadata, byte[][] data, Action<SafeTensorsWriter> beforeCommit)
    {
        using var writer = SafeTensorsWriter.Create(path, Specs, metadata);
        foreach (TensorInfo t in writer.Layout)
        {
            writer.Write(t, 0, Data(data, t));
        }

        beforeCommit(writer);
        writer.Commit();
        return path;
    }
}
