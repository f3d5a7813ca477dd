using System.Buffers.Binary;
using Fast.Merging.Doctor;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Doctor;

public sealed class NonFiniteScannerTests
{
    public static TheoryData<DType> FloatingTypes => new() { DType.F16, DType.BF16, DType.F32, DType.F64, DType.F8_E4M3, DType.F8_E5M2 };

    [Theory]
    [MemberData(nameof(FloatingTypes))]
    public void Counts_match_a_scalar_oracle_for_every_length_and_position(DType dtype)
    {
        int size = DTypeInfo.BitSize(dtype) / 8;
        var random = new Random(42 + (int)dtype);
        for (int n = 0; n <= 300; n++)
        {
            byte[] data = new byte[n * size];
            random.NextBytes(data);
            NonFiniteCount expected = Oracle(data, dtype);
            Assert.Equal(expected, NonFiniteScanner.Count(data, dtype));

            // Unaligned: the same elements one byte into a buffer.
            byte[] shifted = new byte[data.Length + 1];
            data.CopyTo(shifted, 1);
            Assert.Equal(expected, NonFiniteScanner.Count(shifted.AsSpan(1), dtype));
        }
    }

    [Fact]
    public void Special_values_are_classified_exactly()
    {
        byte[] f16 = Halves(Half.NaN, Half.PositiveInfinity, Half.NegativeInfinity, Half.MaxValue, Half.Epsilon, (Half)(-0.0f), -Half.NaN);
        Assert.Equal(new NonFiniteCount(2, 2), NonFiniteScanner.Count(f16, DType.F16));
        Assert.Equal(new NonFiniteCount(1, 0), NonFiniteScanner.Count([0x7F, 0x7E, 0xFE, 0x00], DType.F8_E4M3));
        Assert.Equal(new NonFiniteCount(2, 2), NonFiniteScanner.Count([0x7C, 0xFC, 0x7D, 0xFF, 0x7B], DType.F8_E5M2));
        byte[] f32 = new byte[16];
        BinaryPrimitives.WriteSingleLittleEndian(f32, float.NaN);
        BinaryPrimitives.WriteSingleLittleEndian(f32.AsSpan(4), float.NegativeInfinity);
        BinaryPrimitives.WriteSingleLittleEndian(f32.AsSpan(8), float.MaxValue);
        BinaryPrimitives.WriteSingleLittleEndian(f32.AsSpan(12), float.Epsilon);
        Assert.Equal(new NonFiniteCount(1, 1), NonFiniteScanner.Count(f32, DType.F32));
    }

    [Fact]
    public void Repair_is_nan_to_num_in_the_stored_format()
    {
        byte[] f32 = new byte[20];
        float[] values = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -1.5f, float.Epsilon];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(f32.AsSpan(i * 4), values[i]);
        }

        Assert.Equal(3, NonFiniteRepair.Apply(f32, DType.F32));
        Assert.Equal(
            [0f, float.MaxValue, float.MinValue, -1.5f, float.Epsilon],
            Enumerable.Range(0, 5).Select(i => BinaryPrimitives.ReadSingleLittleEndian(f32.AsSpan(i * 4))));

        byte[] f64 = new byte[16];
        BinaryPrimitives.WriteDoubleLittleEndian(f64, double.NegativeInfinity);
        BinaryPrimitives.WriteDoubleLittleEndian(f64.AsSpan(8), 0.1);
        Assert.Equal(1, NonFiniteRepair.Apply(f64, DType.F64));
        Assert.Equal(double.MinValue, BinaryPrimitives.ReadDoubleLittleEndian(f64));
        Assert.Equal(0.1, BinaryPrimitives.ReadDoubleLittleEndian(f64.AsSpan(8)));

        byte[] bf16 = [0x80, 0x7F, 0xC1, 0xFF, 0x80, 0x3F]; // +Inf, NaN, 1.0
        Assert.Equal(2, NonFiniteRepair.Apply(bf16, DType.BF16));
        Assert.Equal(new byte[] { 0x7F, 0x7F, 0, 0, 0x80, 0x3F }, bf16);

        byte[] e4m3 = [0xFF, 0x7E, 0x7F];
        Assert.Equal(2, NonFiniteRepair.Apply(e4m3, DType.F8_E4M3));
        Assert.Equal(new byte[] { 0, 0x7E, 0 }, e4m3);

        byte[] e5m2 = [0xFC, 0x7D, 0x7B];
        Assert.Equal(2, NonFiniteRepair.Apply(e5m2, DType.F8_E5M2));
        Assert.Equal(new byte[] { 0xFB, 0, 0x7B }, e5m2);
    }

    [Fact]
    public void Stream_scanner_gives_the_same_counts_and_digests_whatever_the_block_size()
    {
        using var dir = new TempDir();
        var random = new Random(7);
        var tensors = new List<TestTensor>();
        foreach (var (name, dtype, count) in new[] { ("a", DType.F32, 37), ("b", DType.F16, 3), ("c", DType.F64, 5), ("d", DType.BF16, 101), ("e", DType.F8_E5M2, 13), ("f", DType.I64, 4), ("g", DType.F16, 0) })
        {
            byte[] data = new byte[count * DTypeInfo.BitSize(dtype) / 8];
            random.NextBytes(data);
            tensors.Add(new TestTensor(name, dtype, [count], data));
        }

        string path = TestCheckpoint.Write(dir.File("mixed.safetensors"), tensors);
        byte[] file = File.ReadAllBytes(path);
        using SafeTensorsFile st = SafeTensorsFile.Open(path);

        (Dictionary<string, NonFiniteCount> Counts, Dictionary<string, byte[]> Digests) Scan(int block)
        {
            var scanner = new TensorStreamScanner(st, scanNonFinite: true, _ => true);
            for (int offset = 0; offset < file.Length; offset += block)
            {
                scanner.Consume(offset, file.AsMemory(offset, Math.Min(block, file.Length - offset)));
            }

            return (scanner.NonFinite(), scanner.Digests());
        }

        var whole = Scan(file.Length);
        foreach (TestTensor t in tensors.Where(t => t.DType != DType.I64))
        {
            Assert.Equal(Oracle(t.Data, t.DType), whole.Counts.GetValueOrDefault(t.Name));
        }

        foreach (TestTensor t in tensors)
        {
            Assert.Equal(System.Security.Cryptography.SHA256.HashData(t.Data), whole.Digests[t.Name]);
        }

        foreach (int block in new[] { 1, 3, 7, 64, 1000 })
        {
            var split = Scan(block);
            Assert.Equal(whole.Counts, split.Counts);
            Assert.Equal(whole.Digests.Keys, split.Digests.Keys);
            Assert.All(whole.Digests, d => Assert.Equal(d.Value, split.Digests[d.Key]));
        }
    }

    private static NonFiniteCount Oracle(byte[] data, DType dtype)
    {
        int size = DTypeInfo.BitSize(dtype) / 8;
        long nan = 0, inf = 0;
        for (int i = 0; i < data.Length / size; i++)
        {
            ReadOnlySpan<byte> e = data.AsSpan(i * size, size);
            double v = dtype switch
            {
                DType.F16 => (double)BinaryPrimitives.ReadHalfLittleEndian(e),
                DType.BF16 => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(e) << 16),
                DType.F32 => BinaryPrimitives.ReadSingleLittleEndian(e),
                DType.F64 => BinaryPrimitives.ReadDoubleLittleEndian(e),
                DType.F8_E5M2 => (double)BitConverter.Int16BitsToHalf((short)(e[0] << 8)),
                DType.F8_E4M3 => (e[0] & 0x7F) == 0x7F ? double.NaN : 0,
                _ => 0,
            };
            nan += double.IsNaN(v) ? 1 : 0;
            inf += double.IsInfinity(v) ? 1 : 0;
        }

        return new NonFiniteCount(nan, inf);
    }

    private static byte[] Halves(params Half[] values)
    {
        byte[] bytes = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(i * 2), values[i]);
        }

        return bytes;
    }
}
