using Fast.Kernels;
using Fast.Merging.Execution.Calcmodes;

namespace Fast.Merging.Tests.Methods;

/// <summary>
/// The cosine calcmodes' block-swept similarity pass (<see cref="StreamedCosineSimilarity"/>) against the whole-tensor
/// one it replaced (<see cref="CosineSimilarity.Compute"/>, whose bits the compat suite checks against torch), and the
/// vector column lerp against its scalar formula: bit for bit, over stored f16/bf16/f32, add difference, shapes whose
/// rows are and are not multiples of 8 elements, keys of many blocks, NaN, ±∞ and ±0.
/// </summary>
public sealed class StreamedCosineSimilarityTests
{
    public static TheoryData<string> Shapes => new() { "2x3", "5x7", "3x8", "40x33", "320x4x3x3", "16x1025", "700x9", "1280x640x1x1", "3x20000", "9000x13", "70x40", "300x1064", "4100x24" };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Swept_similarities_are_the_whole_tensor_ones(string shapeText)
    {
        long[] shape = [.. shapeText.Split('x').Select(long.Parse)];
        int count = checked((int)shape.Aggregate(1L, (p, d) => p * d));
        int seed = shapeText.GetHashCode(StringComparison.Ordinal);
        var scratch = new CosineScratch();
        foreach (ElementType type in new[] { ElementType.F16, ElementType.BF16, ElementType.F32 })
        {
            byte[] a = Stored(count, type, seed, special: false);
            byte[] b = Stored(count, type, seed + 1, special: count % 2 == 1);
            byte[] c = Stored(count, type, seed + 2, special: false);
            foreach (bool favorA in new[] { true, false })
            {
                foreach (bool difference in new[] { false, true })
                {
                    CosineSimilarity.KeySimilarity expected = Whole(favorA, a, b, difference ? c : null, type, shape, count);

                    // Windows of the default size (several blocks, the last cut short), one block each, and one or two blocks.
                    foreach (int window in new[] { StoredPair.WindowElements, 1, 30000 })
                    {
                        StoredPair inputs = StoredPair.InMemory(a, type, b, type, difference ? c : null, type, difference, window);
                        CosineSimilarity.KeySimilarity actual = StreamedCosineSimilarity.Compute(favorA, inputs, shape, scratch);
                        string context = $"{shapeText} {type} {(favorA ? "cosineA" : "cosineB")}{(difference ? " add difference" : "")}, window {window}";
                        AssertSame(expected.Statistic, actual.Statistic, context + " statistic");
                        AssertSame(expected.Combined, actual.Combined, context + " combined");
                    }
                }
            }
        }
    }

    public static TheoryData<string> PairedShapes => new() { "3x8", "70x40", "1280x640x1x1", "300x1064", "4100x24", "20x8x2x2" };

    [Theory]
    [MemberData(nameof(PairedShapes))]
    public void Two_keys_swept_side_by_side_are_each_the_whole_tensor_ones(string shapeText)
    {
        // Two keys of one shape with different values (one with NaN/±∞/±0, the other without, then swapped): each
        // result must be its own whole-tensor one, so a chain, sum or norm fed from the other key shows.
        long[] shape = [.. shapeText.Split('x').Select(long.Parse)];
        Assert.True(StreamedCosineSimilarity.CanPair(shape, [.. shape]), shapeText);
        int count = checked((int)shape.Aggregate(1L, (p, d) => p * d));
        int seed = shapeText.GetHashCode(StringComparison.Ordinal);
        var firstScratch = new CosineScratch();
        var secondScratch = new CosineScratch();
        foreach (ElementType type in new[] { ElementType.F16, ElementType.BF16, ElementType.F32 })
        {
            foreach (bool specialFirst in new[] { true, false })
            {
                byte[] a1 = Stored(count, type, seed, special: specialFirst);
                byte[] b1 = Stored(count, type, seed + 1, special: false);
                byte[] a2 = Stored(count, type, seed + 3, special: !specialFirst);
                byte[] b2 = Stored(count, type, seed + 4, special: !specialFirst);
                byte[] c = Stored(count, type, seed + 2, special: false);
                foreach (bool favorA in new[] { true, false })
                {
                    foreach (bool difference in new[] { false, true })
                    {
                        CosineSimilarity.KeySimilarity expected1 = Whole(favorA, a1, b1, difference ? c : null, type, shape, count);
                        CosineSimilarity.KeySimilarity expected2 = Whole(favorA, a2, b2, difference ? c : null, type, shape, count);
                        foreach (int window in new[] { StoredPair.WindowElements, 1 })
                        {
                            StoredPair first = StoredPair.InMemory(a1, type, b1, type, difference ? c : null, type, difference, window);
                            StoredPair second = StoredPair.InMemory(a2, type, b2, type, difference ? c : null, type, difference, window);
                            (CosineSimilarity.KeySimilarity actual1, CosineSimilarity.KeySimilarity actual2) =
                                StreamedCosineSimilarity.ComputePair(favorA, first, second, shape, firstScratch, secondScratch);
                            string context = $"{shapeText} {type} {(favorA ? "cosineA" : "cosineB")}{(difference ? " add difference" : "")}, window {window}";
                            AssertSame(expected1.Statistic, actual1.Statistic, context + " first statistic");
                            AssertSame(expected1.Combined, actual1.Combined, context + " first combined");
                            AssertSame(expected2.Statistic, actual2.Statistic, context + " second statistic");
                            AssertSame(expected2.Combined, actual2.Combined, context + " second combined");
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void Only_keys_of_one_shape_with_rows_of_whole_groups_of_8_pair()
    {
        Assert.True(StreamedCosineSimilarity.CanPair([16, 8], [16, 8]));
        Assert.False(StreamedCosineSimilarity.CanPair([16, 8], [8, 16]));
        Assert.False(StreamedCosineSimilarity.CanPair([16, 8], [17, 8]));
        Assert.False(StreamedCosineSimilarity.CanPair([16, 9], [16, 9]));
        Assert.False(StreamedCosineSimilarity.CanPair([16], [16]));
        var scratch = new CosineScratch();
        StoredPair inputs = StoredPair.InMemory(new byte[16 * 9 * 2], ElementType.F16, new byte[16 * 9 * 2], ElementType.F16, null, default, difference: false);
        Assert.Throws<ArgumentException>(() => StreamedCosineSimilarity.ComputePair(true, inputs, inputs, [16, 9], scratch, new CosineScratch()));
    }

    [Fact]
    public void Blocks_hold_whole_rows_and_multiples_of_8_elements()
    {
        foreach ((int rows, int columns) in new[] { (1000, 3), (1000, 6), (1000, 12), (1000, 9), (50, 20000), (4, 7) })
        {
            int blockRows = StreamedCosineSimilarity.BlockRows(rows, columns);
            Assert.InRange(blockRows, 1, rows);
            Assert.True(blockRows == rows || (long)blockRows * columns % 8 == 0, $"[{rows}, {columns}]: {blockRows} rows per block");
        }
    }

    [Fact]
    public void Vector_column_lerp_is_the_scalar_formula()
    {
        var random = new Random(9);
        foreach (int columns in new[] { 1, 7, 8, 13, 64, 100 })
        {
            int rows = 9;
            float[] start = Values(rows * columns, random, special: true);
            float[] end = Values(rows * columns, random, special: true);
            float[] k = [.. Enumerable.Range(0, columns).Select(j => Weight(j, random))];
            var expected = new float[rows * columns];
            var actual = new float[rows * columns];
            CosineSimilarity.LerpScalar(start, end, k, expected);
            CosineSimilarity.Lerp(start, end, k, actual);
            AssertSame(expected, actual, $"{columns} columns");
        }
    }

    [Fact]
    public void Lerp_over_ranges_that_start_and_end_inside_rows_is_the_whole_tensor_lerp()
    {
        // The engine's chunks cut rows anywhere: each range starts at its own column.
        var random = new Random(10);
        foreach (int columns in new[] { 1, 5, 8, 37, 640 })
        {
            int rows = 23;
            float[] start = Values(rows * columns, random, special: true);
            float[] end = Values(rows * columns, random, special: true);
            float[] k = [.. Enumerable.Range(0, columns).Select(j => Weight(j, random))];
            var expected = new float[rows * columns];
            CosineSimilarity.LerpScalar(start, end, k, expected);
            var actual = new float[rows * columns];
            for (int first = 0; first < actual.Length;)
            {
                int length = Math.Min(random.Next(1, (3 * columns) + 9), actual.Length - first);
                CosineSimilarity.LerpFrom(start.AsSpan(first, length), end.AsSpan(first, length), k, first % columns, actual.AsSpan(first, length));
                first += length;
            }

            AssertSame(expected, actual, $"{columns} columns in ranges");
        }
    }

    private static float Weight(int j, Random random) => (j % 10) switch
    {
        0 => 0f,
        1 => 1f,
        2 => 0.5f,
        3 => -0f,
        4 => float.NaN,
        5 => -0.5f,
        6 => BitConverter.UInt32BitsToSingle(0x3EFFFFFF), // the largest float below 0.5
        _ => (float)random.NextDouble(),
    };

    private static CosineSimilarity.KeySimilarity Whole(bool favorA, byte[] a, byte[] b, byte[]? c, ElementType type, long[] shape, int count)
    {
        var x = new float[count];
        var y = new float[count];
        ElementConvert.Widen(a, type, x);
        ElementConvert.Widen(b, type, y);
        if (c is not null)
        {
            var z = new float[count];
            ElementConvert.Widen(c, type, z);
            MergeKernels.Subtract(y, z, y);
            ElementConvert.RoundTo(y, type);
        }

        return CosineSimilarity.Compute(favorA, x, y, shape);
    }

    private static byte[] Stored(int count, ElementType type, int seed, bool special)
    {
        var random = new Random(seed);
        var bytes = new byte[count * ElementTypeInfo.SizeOf(type)];
        ElementConvert.Narrow(Values(count, random, special), bytes, type);
        return bytes;
    }

    private static float[] Values(int count, Random random, bool special)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() - 0.45) * Math.Pow(10, random.Next(-2, 3)));
            if (special && random.Next(211) == 0)
            {
                values[i] = random.Next(4) switch { 0 => float.NaN, 1 => float.PositiveInfinity, 2 => -0f, _ => 0f };
            }
        }

        return values;
    }

    private static void AssertSame(float[] expected, float[] actual, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            bool same = (float.IsNaN(expected[i]) && float.IsNaN(actual[i]))
                || BitConverter.SingleToUInt32Bits(expected[i]) == BitConverter.SingleToUInt32Bits(actual[i]);
            Assert.True(same, $"{context}: element {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
