using System.Buffers.Binary;
using Xunit;

namespace Fast.SafeTensors.Tests;

/// <summary>
/// A sparse 5 GiB file holding a 3 GiB tensor that crosses the 4 GiB file offset: every offset on
/// the data path must be a <c>long</c>. Only marked bytes are written; the rest of the file is a hole.
/// </summary>
public class LargeFileTests
{
    private const long BigBytes = (3L << 30) + 13;
    private const int ChunkBytes = 16 << 20;

    [Theory]
    [InlineData(ReadMode.Mapped)]
    [InlineData(ReadMode.Buffered)]
    public void SparseFileOverFourGiBStreamsInChunks(ReadMode mode)
    {
        using var dir = new TempDir();
        string path = dir.File("huge.safetensors");
        var markers = CreateSparseFile(path, out long dataOffset);

        using var file = SafeTensorsFile.Open(path, mode);
        Assert.True(file.FileLength > 5L << 30);
        TensorInfo big = file["big"];
        Assert.Equal(BigBytes, big.ByteLength);
        Assert.True(file.DataOffset + big.DataEnd > 1L << 32);

        // Walk every chunk (arithmetic only), reading just those holding a marker: reading 5 GiB of holes
        // would only test the page cache.
        long covered = 0;
        var buffer = new byte[ChunkBytes];
        int checkedMarkers = 0;
        Span<byte> single = stackalloc byte[1];
        foreach (TensorChunk chunk in big.Chunks(ChunkBytes))
        {
            Assert.Equal(covered, chunk.OffsetInTensor);
            covered += chunk.Length;
            foreach ((long offset, byte value) in markers)
            {
                if (offset < chunk.OffsetInTensor || offset >= chunk.OffsetInTensor + chunk.Length)
                {
                    continue;
                }

                ReadOnlySpan<byte> bytes;
                if (mode == ReadMode.Mapped)
                {
                    bytes = file.GetSpan(big, chunk.OffsetInTensor, chunk.Length);
                }
                else
                {
                    file.CopyTo(big, chunk.OffsetInTensor, buffer.AsSpan(0, chunk.Length));
                    bytes = buffer.AsSpan(0, chunk.Length);
                }

                Assert.Equal(value, bytes[(int)(offset - chunk.OffsetInTensor)]);
                file.CopyTo(big, offset, single);
                Assert.Equal(value, single[0]);
                checkedMarkers++;
            }
        }

        Assert.Equal(BigBytes, covered);
        Assert.Equal(markers.Count, checkedMarkers);

        // The last float of the 2 GiB tensor in front of it.
        TensorInfo front = file["front"];
        Span<byte> last = stackalloc byte[4];
        file.CopyTo(front, front.ByteLength - 4, last);
        Assert.Equal(1.5f, BinaryPrimitives.ReadSingleLittleEndian(last));
    }

    private static List<(long Offset, byte Value)> CreateSparseFile(string path, out long dataOffset)
    {
        TensorInfo[] layout = TensorLayoutPlanner.Plan([new("big", DType.U8, [BigBytes]), new("front", DType.F32, [1L << 29])]);
        byte[] header = HeaderJsonWriter.Build(layout, [new("note", "sparse")]);
        dataOffset = 8 + header.Length;
        long bigStart = dataOffset + layout[1].DataStart;
        long fourGiBInTensor = (1L << 32) - bigStart;
        var markers = new List<(long, byte)>
        {
            (0, 0x11),
            (int.MaxValue, 0x22),
            ((long)int.MaxValue + 1, 0x33),
            (fourGiBInTensor - 1, 0x44),
            (fourGiBInTensor, 0x55),
            (BigBytes - 1, 0x66),
        };

        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        stream.SetLength(dataOffset + layout[^1].DataEnd);
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);
        foreach ((long offset, byte value) in markers)
        {
            stream.Position = bigStart + offset;
            stream.WriteByte(value);
        }

        Span<byte> lastFloat = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(lastFloat, 1.5f);
        stream.Position = dataOffset + layout[0].DataEnd - 4;
        stream.Write(lastFloat);
        return markers;
    }
}
