using Xunit;

namespace Fast.SafeTensors.Tests;

/// <summary>
/// <see cref="SafeTensorsWriter.CopyFrom"/>: unchanged tensor bytes copied file to file (in the kernel on Linux), with
/// the same range checks, completeness accounting and shrunk-input report as reading and writing.
/// </summary>
public class WriterCopyFromTests
{
    [Fact]
    public void CopiedTensorsAreByteIdenticalToTheSource()
    {
        using var dir = new TempDir();
        var specs = new TensorSpec[] { new("big", DType.F16, [3, 1_000_003]), new("small", DType.U8, [5]), new("empty", DType.F32, [0]) };
        string input = dir.Write("in.safetensors", CanonicalFiles.Build(specs, seed: 9));
        string output = dir.File("out.safetensors");
        using (SafeTensorsFile source = SafeTensorsFile.Open(input))
        using (SafeTensorsWriter writer = SafeTensorsWriter.Create(output, specs))
        {
            // Pieces in any order and of odd sizes, from several threads, as the bake and convert plans issue them.
            TensorInfo big = source["big"];
            long piece = 1_234_567;
            var starts = Enumerable.Range(0, (int)((big.ByteLength + piece - 1) / piece)).Select(i => i * piece).Reverse().ToList();
            Parallel.ForEach(starts, s => writer.CopyFrom(writer["big"], s, source, big, s, Math.Min(piece, big.ByteLength - s)));
            writer.CopyFrom(writer["small"], 0, source, source["small"], 0, 5);
            writer.CopyFrom(writer["empty"], 0, source, source["empty"], 0, 0);
            writer.Commit();
        }

        Assert.Equal(File.ReadAllBytes(input), File.ReadAllBytes(output));
    }

    [Fact]
    public void ACopyIntoAnotherPlaceOfTheTensorLandsThere()
    {
        using var dir = new TempDir();
        var specs = new TensorSpec[] { new("x", DType.U8, [64]) };
        string input = dir.Write("in.safetensors", CanonicalFiles.Build(specs, seed: 3));
        string output = dir.File("out.safetensors");
        byte[] expected;
        using (SafeTensorsFile source = SafeTensorsFile.Open(input))
        using (SafeTensorsWriter writer = SafeTensorsWriter.Create(output, specs))
        {
            byte[] x = new byte[64];
            source.CopyTo(source["x"], 0, x);
            expected = [.. x.AsSpan(32, 32), .. x.AsSpan(0, 32)];
            writer.CopyFrom(writer["x"], 0, source, source["x"], 32, 32);
            writer.CopyFrom(writer["x"], 32, source, source["x"], 0, 32);
            writer.Commit();
        }

        using SafeTensorsFile written = SafeTensorsFile.Open(output);
        byte[] actual = new byte[64];
        written.CopyTo(written["x"], 0, actual);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void RangesOutsideEitherTensorAreRejectedAndCountNothing()
    {
        using var dir = new TempDir();
        var specs = new TensorSpec[] { new("x", DType.U8, [16]) };
        string input = dir.Write("in.safetensors", CanonicalFiles.Build(specs));
        using SafeTensorsFile source = SafeTensorsFile.Open(input);
        using SafeTensorsWriter writer = SafeTensorsWriter.Create(dir.File("out.safetensors"), specs);
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.CopyFrom(writer["x"], 8, source, source["x"], 0, 9));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.CopyFrom(writer["x"], 0, source, source["x"], 8, 9));
        Assert.Throws<ArgumentException>(() => writer.CopyFrom(source["x"], 0, source, source["x"], 0, 1));
        writer.CopyFrom(writer["x"], 0, source, source["x"], 0, 8);
        SafeTensorsWriteException missing = Assert.Throws<SafeTensorsWriteException>(writer.Commit);
        Assert.Contains("bytes 8..16", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASourceTruncatedAfterOpeningIsReportedNotCopiedShort()
    {
        using var dir = new TempDir();
        var specs = new TensorSpec[] { new("x", DType.F32, [100_000]) };
        string input = dir.Write("in.safetensors", CanonicalFiles.Build(specs));
        using SafeTensorsFile source = SafeTensorsFile.Open(input);
        using SafeTensorsWriter writer = SafeTensorsWriter.Create(dir.File("out.safetensors"), specs);
        using (var shrink = new FileStream(input, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            shrink.SetLength(source.DataOffset + 1000);
        }

        FileChangedException e = Assert.Throws<FileChangedException>(() => writer.CopyFrom(writer["x"], 0, source, source["x"], 0, 400_000));
        Assert.Contains(input, e.Message, StringComparison.Ordinal);
    }
}
