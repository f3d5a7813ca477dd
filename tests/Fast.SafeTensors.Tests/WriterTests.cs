using System.Buffers.Binary;
using System.Text;
using Xunit;

namespace Fast.SafeTensors.Tests;

public class WriterTests
{
    [Fact]
    public void HeaderIsCompactMetadataFirstDataOrderedAndPadded()
    {
        using var dir = new TempDir();
        string path = dir.File("h.safetensors");
        TensorSpec[] specs =
        [
            new("b", DType.F16, [2]),
            new("a", DType.F16, [1]),
            new("c", DType.F64, []),
            new("B", DType.U8, [3]),
            new("p", DType.F4, [2]),
        ];
        using (var writer = SafeTensorsWriter.Create(path, specs, [new("format", "pt")]))
        {
            Assert.Equal(["c", "a", "b", "B", "p"], writer.Layout.Select(t => t.Name));
            Assert.Equal(0, writer.DataOffset % 8);
            foreach (TensorInfo t in writer.Layout)
            {
                writer.Write(t, 0, new byte[t.ByteLength]);
            }

            writer.Commit();
        }

        byte[] bytes = File.ReadAllBytes(path);
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        string json = Encoding.UTF8.GetString(bytes, 8, n);
        Assert.Equal(
            "{\"__metadata__\":{\"format\":\"pt\"},"
            + "\"c\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[0,8]},"
            + "\"a\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[8,10]},"
            + "\"b\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[10,14]},"
            + "\"B\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[14,17]},"
            + "\"p\":{\"dtype\":\"F4\",\"shape\":[2],\"data_offsets\":[17,18]}}",
            json.TrimEnd(' '));
        Assert.Equal(0, (8 + n) % 8);
        Assert.Equal(8 + n + 18, bytes.Length);
    }

    [Fact]
    public void NoMetadataKeyWhenThereIsNoMetadata()
    {
        byte[] bytes = CanonicalFiles.Build([new("x", DType.U8, [1])]);
        Assert.StartsWith("{\"x\":", Encoding.UTF8.GetString(bytes, 8, bytes.Length - 9), StringComparison.Ordinal);
    }

    [Fact]
    public void StringsEscapeOnlyQuoteBackslashAndControls()
    {
        byte[] bytes = CanonicalFiles.Build([new("q\"b\\n\nt\tc\u0001é✓/<", DType.U8, [0])]);
        string json = Encoding.UTF8.GetString(bytes, 8, bytes.Length - 8);
        Assert.Contains("\"q\\\"b\\\\n\\nt\\tc\\u0001é✓/<\"", json, StringComparison.Ordinal);
        Assert.Equal("q\"b\\n\nt\tc\u0001é✓/<", HeaderValidator.ParseFile(bytes, "x").TensorsInFileOrder[0].Name);
    }

    [Fact]
    public void ConcurrentWritesEqualSequentialWrites()
    {
        using var dir = new TempDir();
        TensorSpec[] specs = [.. Enumerable.Range(0, 24).Select(i => new TensorSpec($"t{i:D2}", i % 3 == 0 ? DType.F32 : DType.F16, [1 + (i * 37 % 101), 64]))];
        var data = specs.ToDictionary(s => s.Name, s =>
        {
            var bytes = new byte[s.Shape[0] * s.Shape[1] * DTypeInfo.BitSize(s.DType) / 8];
            new Random(s.Name.GetHashCode(StringComparison.Ordinal)).NextBytes(bytes);
            return bytes;
        });

        string sequential = dir.File("seq.safetensors");
        using (var writer = SafeTensorsWriter.Create(sequential, specs))
        {
            foreach (TensorInfo t in writer.Layout)
            {
                writer.Write(t, 0, data[t.Name]);
            }

            writer.Commit();
        }

        string parallel = dir.File("par.safetensors");
        using (var writer = SafeTensorsWriter.Create(parallel, specs))
        {
            // 100-byte pieces of every tensor, shuffled, from 8 threads.
            var pieces = writer.Layout.SelectMany(t => Enumerable.Range(0, (int)((t.ByteLength + 99) / 100)).Select(k => (t, Offset: k * 100L))).ToArray();
            new Random(3).Shuffle(pieces);
            Parallel.ForEach(pieces, new ParallelOptions { MaxDegreeOfParallelism = 8 }, piece =>
            {
                int length = (int)Math.Min(100, piece.t.ByteLength - piece.Offset);
                writer.Write(piece.t.Name, piece.Offset, data[piece.t.Name].AsSpan((int)piece.Offset, length));
            });
            writer.Commit();
        }

        Assert.Equal(File.ReadAllBytes(sequential), File.ReadAllBytes(parallel));
    }

    /// <summary>
    /// Under contention writes are queued (copied) while another thread writes: a thread's later write of a range
    /// must still win over its earlier one, and the caller's buffer is free for reuse as soon as Write returns.
    /// </summary>
    [Fact]
    public void QueuedWritesKeepEachThreadsOrderAndCopyTheCallersBytes()
    {
        using var dir = new TempDir();
        const int Threads = 8;
        const int Piece = 64;
        TensorSpec[] specs = [.. Enumerable.Range(0, Threads).Select(i => new TensorSpec($"t{i}", DType.U8, [Piece * 200]))];
        string path = dir.File("order.safetensors");
        using (var writer = SafeTensorsWriter.Create(path, specs))
        {
            Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, i =>
            {
                TensorInfo t = writer[$"t{i}"];
                var scratch = new byte[Piece];
                for (int k = 0; k < 200; k++)
                {
                    scratch.AsSpan().Fill(0xEE); // a first, wrong version of the piece
                    writer.Write(t, k * Piece, scratch);
                    scratch.AsSpan().Fill((byte)(i + k)); // the version that must win
                    writer.Write(t, k * Piece, scratch);
                    scratch.AsSpan().Fill(0x55); // reusing the buffer must not change what was written
                }
            });
            writer.Commit();
        }

        using var file = SafeTensorsFile.Open(path);
        for (int i = 0; i < Threads; i++)
        {
            TensorInfo t = file[$"t{i}"];
            var bytes = new byte[t.ByteLength];
            file.CopyTo(t, 0, bytes);
            for (int k = 0; k < 200; k++)
            {
                Assert.All(bytes.AsSpan(k * Piece, Piece).ToArray(), b => Assert.Equal((byte)(i + k), b));
            }
        }
    }

    [Fact]
    public void WithoutFlushToDiskTheFileIsTheSame()
    {
        using var dir = new TempDir();
        TensorSpec[] specs = [new("w", DType.F32, [3, 5]), new("b", DType.F16, [7])];
        var data = new Dictionary<string, byte[]> { ["w"] = new byte[60], ["b"] = new byte[14] };
        new Random(9).NextBytes(data["w"]);
        new Random(10).NextBytes(data["b"]);
        foreach (bool flush in new[] { true, false })
        {
            using var writer = SafeTensorsWriter.Create(dir.File($"f{flush}.safetensors"), specs, [new("format", "pt")], flushToDisk: flush);
            foreach (TensorInfo t in writer.Layout)
            {
                writer.Write(t, 0, data[t.Name]);
            }

            writer.Commit();
        }

        Assert.Equal(File.ReadAllBytes(dir.File("fTrue.safetensors")), File.ReadAllBytes(dir.File("fFalse.safetensors")));
        Assert.Empty(Directory.GetFiles(dir.Path, ".*.tmp"));
    }

    [Fact]
    public void DisposeWithoutCommitLeavesNothing()
    {
        using var dir = new TempDir();
        string path = dir.File("never.safetensors");
        string temp;
        using (var writer = SafeTensorsWriter.Create(path, [new("x", DType.F32, [1024])]))
        {
            temp = writer.TempPath;
            Assert.Equal(dir.Path, Path.GetDirectoryName(temp));
            Assert.True(File.Exists(temp));
            writer.Write("x", 0, new byte[4096]);
        }

        Assert.False(File.Exists(path));
        Assert.False(File.Exists(temp));
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public void CommitRefusesMissingBytesAndNamesTheTensor()
    {
        using var dir = new TempDir();
        string path = dir.File("partial.safetensors");
        using var writer = SafeTensorsWriter.Create(path, [new("a", DType.U8, [10]), new("b", DType.U8, [10]), new("z", DType.U8, [0])]);
        writer.Write("a", 0, new byte[10]);
        writer.Write("b", 0, new byte[4]);
        writer.Write("b", 6, new byte[4]);
        var e = Assert.Throws<SafeTensorsWriteException>(writer.Commit);
        Assert.Equal(WriteFailure.Incomplete, e.Failure);
        Assert.Equal("b", e.TensorName);
        Assert.Contains("bytes 4..6", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));

        writer.Write("b", 3, new byte[4]); // overlapping fill completes it
        writer.Commit();
        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(3, file.Tensors.Count);
    }

    [Fact]
    public void ExistingOutputNeedsOverwrite()
    {
        using var dir = new TempDir();
        string path = dir.Write("exists.safetensors", [1, 2, 3]);
        var e = Assert.Throws<SafeTensorsWriteException>(() => SafeTensorsWriter.Create(path, [new("x", DType.U8, [1])]));
        Assert.Equal(WriteFailure.OutputExists, e.Failure);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));

        using (var writer = SafeTensorsWriter.Create(path, [new("x", DType.U8, [1])], overwrite: true))
        {
            writer.Write("x", 0, [42]);
            Assert.Equal([1, 2, 3], File.ReadAllBytes(path)); // untouched until commit
            writer.Commit();
        }

        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(42, file.GetSpan(file["x"], 0, 1)[0]);
    }

    [Fact]
    public void OutputAppearingDuringWriteIsNotClobbered()
    {
        using var dir = new TempDir();
        string path = dir.File("race.safetensors");
        using var writer = SafeTensorsWriter.Create(path, [new("x", DType.U8, [1])]);
        writer.Write("x", 0, [7]);
        File.WriteAllBytes(path, [9]);
        var e = Assert.Throws<SafeTensorsWriteException>(writer.Commit);
        Assert.Equal(WriteFailure.OutputExists, e.Failure);
        Assert.Equal([9], File.ReadAllBytes(path));
        Assert.False(File.Exists(writer.TempPath));
    }

    [Fact]
    public void ReplacingAnOpenInputKeepsTheReaderValid()
    {
        using var dir = new TempDir();
        string path = dir.Write("model.safetensors", CanonicalFiles.Mixed(seed: 2));
        using var input = SafeTensorsFile.Open(path);
        TensorInfo bias = input["model.diffusion_model.input_blocks.0.0.bias"];
        byte[] before = input.GetSpan(bias, 0, (int)bias.ByteLength).ToArray();
        using (var writer = SafeTensorsWriter.Create(path, input.Tensors.Select(t => t.ToSpec()), overwrite: true))
        {
            TensorStreaming.CopyAll(input, writer, 64);
            writer.Commit();
        }

        Assert.Equal(before, input.GetSpan(bias, 0, (int)bias.ByteLength).ToArray());
        using var replaced = SafeTensorsFile.Open(path);
        Assert.Empty(replaced.Metadata);
    }

    [Fact]
    public void WritesOutsideATensorAreRejected()
    {
        using var dir = new TempDir();
        using var writer = SafeTensorsWriter.Create(dir.File("o.safetensors"), [new("x", DType.U8, [4])]);
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Write("x", 1, new byte[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Write("x", -1, new byte[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Write("x", long.MaxValue, new byte[1]));
        Assert.Throws<KeyNotFoundException>(() => writer.Write("y", 0, new byte[1]));
    }

    [Theory]
    [InlineData("__metadata__", DType.U8, new long[] { 1 })]
    [InlineData("x", DType.U8, new long[] { -1 })]
    [InlineData("x", DType.F32, new long[] { 1L << 62 })]
    [InlineData("x", DType.F4, new long[] { 3 })]
    public void InvalidSpecsAreRejectedBeforeAnyFileExists(string name, DType dtype, long[] shape)
    {
        using var dir = new TempDir();
        Assert.ThrowsAny<ArgumentException>(() => SafeTensorsWriter.Create(dir.File("s.safetensors"), [new(name, dtype, shape)]));
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public void NamesThatAreNotUnicodeAreRejected()
    {
        // Built at run time: test-case serialisation would replace the lone surrogate.
        string name = "bad" + (char)0xD800;
        using var dir = new TempDir();
        Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Create(dir.File("s.safetensors"), [new(name, DType.U8, [1])]));
        Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Create(dir.File("s.safetensors"), [], [new("k", name)]));
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public void DuplicateNamesAndMetadataKeysAreRejected()
    {
        using var dir = new TempDir();
        Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Create(dir.File("d.safetensors"), [new("x", DType.U8, [1]), new("x", DType.F16, [1])]));
        Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Create(dir.File("d.safetensors"), [], [new("k", "1"), new("k", "2")]));
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public void EmptyFileIsJustBraces()
    {
        using var dir = new TempDir();
        string path = dir.File("empty.safetensors");
        using (var writer = SafeTensorsWriter.Create(path, []))
        {
            writer.Commit();
        }

        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(16, bytes.Length);
        Assert.Equal("{}      ", Encoding.UTF8.GetString(bytes, 8, 8));
    }
}
