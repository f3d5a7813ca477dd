using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Fast.SafeTensors;

namespace Fast.Bench.SafeTensors;

/// <summary>
/// Streaming every tensor of a 256 MiB file (SDXL key names, shapes capped) through a 16 MiB buffer,
/// against the baseline of reading the file's bytes sequentially into the same buffer. The file sits in
/// the page cache after the first iteration, so this measures our overhead, not the disk.
/// </summary>
[MemoryDiagnoser]
public class ReadAllTensorsBenchmarks
{
    private const int ChunkBytes = 16 << 20;
    private const long TargetBytes = 256L << 20;

    private readonly byte[] _buffer = new byte[ChunkBytes];
    private string _dir = "";
    private string _path = "";

    [GlobalSetup]
    public void Setup()
    {
        List<TensorSpec> sdxl = SdxlKeys.Load();
        long fullBytes = sdxl.Sum(s => s.Shape.Aggregate(1L, (a, d) => a * d) * DTypeInfo.BitSize(s.DType) / 8);
        double scale = (double)TargetBytes / fullBytes;
        // Shrink the outer dimension so the file keeps SDXL's tensor count and size mix at 1/25 the bytes.
        var specs = sdxl.Select(s => s.Shape.Count == 0 ? s : s with { Shape = [Math.Max(1, (long)(s.Shape[0] * scale)), .. s.Shape.Skip(1)] }).ToList();
        _dir = Directory.CreateTempSubdirectory("fast-bench-read-").FullName;
        _path = Path.Combine(_dir, "model.safetensors");
        var random = new Random(1);
        using var writer = SafeTensorsWriter.Create(_path, specs);
        foreach (TensorInfo t in writer.Layout)
        {
            foreach (TensorChunk chunk in t.Chunks(ChunkBytes))
            {
                random.NextBytes(_buffer.AsSpan(0, chunk.Length));
                writer.Write(t, chunk.OffsetInTensor, _buffer.AsSpan(0, chunk.Length));
            }
        }

        writer.Commit();
        Console.WriteLine($"// read benchmark file: {specs.Count} tensors, {new FileInfo(_path).Length} bytes");
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [Benchmark(Baseline = true)]
    public long FileReadIntoBuffer()
    {
        long total = 0;
        using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        int read;
        while ((read = stream.Read(_buffer)) > 0)
        {
            total += read;
        }

        return total;
    }

    [Benchmark]
    public long MappedCopyTo() => CopyAll(ReadMode.Mapped);

    [Benchmark]
    public long BufferedCopyTo() => CopyAll(ReadMode.Buffered);

    /// <summary>Zero copy: touch every byte straight from the mapping.</summary>
    [Benchmark]
    public ulong MappedXorEveryByte()
    {
        using var file = SafeTensorsFile.Open(_path, ReadMode.Mapped);
        ulong acc = 0;
        foreach (TensorInfo t in file.TensorsInDataOrder)
        {
            foreach (TensorChunk chunk in t.Chunks(ChunkBytes))
            {
                ReadOnlySpan<byte> span = file.GetSpan(t, chunk.OffsetInTensor, chunk.Length);
                foreach (ulong word in MemoryMarshal.Cast<byte, ulong>(span))
                {
                    acc ^= word;
                }

                foreach (byte b in span[(span.Length & ~7)..])
                {
                    acc ^= b;
                }
            }
        }

        return acc;
    }

    private long CopyAll(ReadMode mode)
    {
        using var file = SafeTensorsFile.Open(_path, mode);
        long total = 0;
        foreach (TensorInfo t in file.TensorsInDataOrder)
        {
            foreach (TensorChunk chunk in t.Chunks(ChunkBytes))
            {
                file.CopyTo(t, chunk.OffsetInTensor, _buffer.AsSpan(0, chunk.Length));
                total += chunk.Length;
            }
        }

        return total;
    }
}
