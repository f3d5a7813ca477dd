using Fast.Kernels;
using Fast.Merging.Randomness;

namespace Fast.Merging.Tests.Randomness;

/// <summary>
/// <see cref="TorchRandn.FillRange"/>: a tensor's randn_like drawn as ranges side by side, each from its own copy of the
/// generator moved to the range's first draw, gives the bits of the one serial whole-tensor draw
/// (<see cref="TorchRandn.Fill"/>, itself checked against torch's printout) for every range size, on 1 and 2 threads;
/// counts not divisible by 16 have their last 16 elements redrawn past the tensor's own draws, so ranges that end in
/// them read there.
/// </summary>
public class RangeDrawTests
{
    [Theory]
    [InlineData(ElementType.F16, 1)]
    [InlineData(ElementType.F16, 2)]
    [InlineData(ElementType.BF16, 1)]
    [InlineData(ElementType.BF16, 2)]
    [InlineData(ElementType.F32, 1)]
    [InlineData(ElementType.F32, 2)]
    public void Ranges_drawn_in_parallel_equal_the_whole_serial_draw(ElementType type, int threads)
    {
        foreach (uint seed in new uint[] { 0, 42 })
        {
            foreach (int count in new[] { 16, 17, 31, 32, 40, 47, 100, 625, 1000, 4097, 70_001 })
            {
                var whole = new float[count];
                TorchRandn.FillPerElement(new TorchCpuGenerator(seed), type, whole);
                foreach (int range in new[] { 16, 32, 48, 624, 4096, 65_536 })
                {
                    var parts = new float[count];
                    int ranges = (count + range - 1) / range;
                    Parallel.For(0, ranges, new ParallelOptions { MaxDegreeOfParallelism = threads }, r =>
                    {
                        long start = (long)r * range;
                        var generator = new TorchCpuGenerator(seed);
                        generator.Engine.Skip(start);
                        TorchRandn.FillRange(generator, type, count, start, parts.AsSpan((int)start, (int)Math.Min(range, count - start)));
                    });
                    for (int i = 0; i < count; i++)
                    {
                        Assert.True(
                            BitConverter.SingleToUInt32Bits(whole[i]) == BitConverter.SingleToUInt32Bits(parts[i]),
                            $"{type} seed {seed} count {count} ranges of {range}, element {i}: whole {whole[i]:R}, range {parts[i]:R}");
                    }
                }
            }
        }
    }

    /// <summary>
    /// Plus random draws each engine range a piece at a time from one generator (<see cref="TorchRandn.NextPieceLength"/>):
    /// for counts whose redrawn last 16 fall just past a piece boundary, ranges starting anywhere on a multiple of 16, the
    /// pieces give the whole draw's bits.
    /// </summary>
    [Theory]
    [InlineData(ElementType.F16)]
    [InlineData(ElementType.BF16)]
    [InlineData(ElementType.F32)]
    public void A_range_drawn_in_pieces_from_one_generator_equals_the_whole_draw(ElementType type)
    {
        const int Piece = 64;
        foreach (int count in new[] { 16, 17, 63, 64, 65, 79, 80, 81, 127, 128, 129, 143, 200, 1000 })
        {
            var whole = new float[count];
            TorchRandn.FillPerElement(new TorchCpuGenerator(5), type, whole);
            foreach (int range in new[] { 16, 64, 128, 192, 1024 })
            {
                var parts = new float[count];
                for (int start = 0; start < count; start += range)
                {
                    int length = Math.Min(range, count - start);
                    var generator = new TorchCpuGenerator(5);
                    generator.Engine.Skip(start);
                    for (int offset = 0; offset < length;)
                    {
                        int piece = TorchRandn.NextPieceLength(length - offset, Piece);
                        Assert.True(piece > 0 && (offset + piece == length || piece == Piece), $"piece {piece} at {offset} of {length}");
                        TorchRandn.FillRange(generator, type, count, start + offset, parts.AsSpan(start + offset, piece));
                        offset += piece;
                    }
                }

                for (int i = 0; i < count; i++)
                {
                    Assert.True(
                        BitConverter.SingleToUInt32Bits(whole[i]) == BitConverter.SingleToUInt32Bits(parts[i]),
                        $"{type} count {count} ranges of {range} in pieces of {Piece}, element {i}: whole {whole[i]:R}, pieces {parts[i]:R}");
                }
            }
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => TorchRandn.NextPieceLength(100, 40));
    }

    [Fact]
    public void A_range_of_the_whole_tensor_leaves_the_generator_where_a_whole_draw_does()
    {
        foreach (int count in new[] { 16, 17, 40, 1000 })
        {
            var filled = new TorchCpuGenerator(9);
            var ranged = new TorchCpuGenerator(9);
            TorchRandn.Fill(filled, ElementType.F16, new float[count]);
            TorchRandn.FillRange(ranged, ElementType.F16, count, 0, new float[count]);
            Assert.Equal(filled.Engine.NextUInt32(), ranged.Engine.NextUInt32());
        }
    }

    [Fact]
    public void A_range_off_a_block_start_or_past_the_tensor_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TorchRandn.FillRange(new TorchCpuGenerator(1), ElementType.F16, 100, 8, new float[16]));
        Assert.Throws<ArgumentOutOfRangeException>(() => TorchRandn.FillRange(new TorchCpuGenerator(1), ElementType.F16, 100, 96, new float[16]));
        Assert.Throws<ArgumentOutOfRangeException>(() => TorchRandn.FillRange(new TorchCpuGenerator(1), ElementType.F16, 8, 0, new float[8]));
    }
}
