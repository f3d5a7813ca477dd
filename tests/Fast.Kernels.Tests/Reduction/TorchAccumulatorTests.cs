using Fast.Kernels.Tests.Support;
using Xunit;

namespace Fast.Kernels.Tests.Reduction;

/// <summary>
/// The row-fed and block-fed forms of torch's reductions (<see cref="TorchColumnSumAccumulator"/>,
/// <see cref="TorchColumnNormAccumulator"/>, <see cref="TorchMagnitudeAccumulator"/>) against the whole-tensor
/// methods they re-arrange (<see cref="TorchColumnReductions"/>, <see cref="TorchVectorReductions"/>, themselves
/// checked against torch), bit for bit: every cascade path (groups of 32 and the row_sum rest, 2–7 columns, rows
/// around each level's chunk of 16, 256 and 4096, leftover rows), block splits, NaN, ±∞ and −0.
/// </summary>
[Trait("Isa", "Core")]
public class TorchAccumulatorTests
{
    private static readonly int[] s_columns = [2, 3, 4, 5, 7, 8, 9, 31, 32, 33, 40, 64, 70];
    private static readonly int[] s_rows = [0, 1, 3, 4, 5, 15, 16, 17, 63, 64, 65, 255, 256, 257, 1023, 1030];

    [Fact]
    public void Column_sums_fed_by_rows_are_the_whole_tensor_sums()
    {
        foreach (int columns in s_columns)
        {
            foreach (int rows in s_rows)
            {
                AssertColumnSums(rows, columns, seed: (rows * 131) + columns);
            }
        }
    }

    [Fact]
    public void Column_sums_over_several_cascade_levels_are_the_whole_tensor_sums()
    {
        // 4100 rows: the row-by-row cascade carries at 16, 256 and 4096 rows; the row_sum rest (1 and 5 columns
        // past 32) has 1025 rows per cascade and a leftover. 70 001 rows of 2 columns: row_sum alone, 17 500 rows
        // per cascade, one leftover row.
        AssertColumnSums(4100, 33, seed: 1);
        AssertColumnSums(4100, 37, seed: 2);
        AssertColumnSums(70_001, 2, seed: 3);
        AssertColumnSums(20_000, 6, seed: 4);
    }

    [Fact]
    public void Column_sums_keep_nan_infinity_and_signed_zero_as_the_whole_tensor_sums()
    {
        foreach (int columns in new[] { 3, 32, 35 })
        {
            float[] x = Values(300 * columns, seed: columns, special: true);
            AssertColumnSums(300, columns, x);
        }
    }

    [Fact]
    public void Squares_and_normalized_products_added_as_computed_are_the_sums_of_the_stored_terms()
    {
        // The terms computed inside the accumulator (vector lanes for the row-by-row columns, scalars past them and for
        // the row_sum rest) against the whole-tensor sums of the terms written out one element at a time.
        foreach (int columns in s_columns.Concat([1025]))
        {
            foreach (int rows in new[] { 1, 4, 5, 17, 257 })
            {
                bool special = (rows + columns) % 2 == 1;
                float[] x = Values(rows * columns, seed: (rows * 17) + columns, special);
                float[] y = Values(rows * columns, seed: (rows * 19) + columns, special);
                float[] sx = Values(columns, seed: columns, special);
                float[] sy = Values(columns, seed: columns + 1, special: false);
                var squares = new float[rows * columns];
                var products = new float[rows * columns];
                for (int i = 0; i < squares.Length; i++)
                {
                    int j = i % columns;
                    squares[i] = x[i] * x[i];
                    products[i] = (x[i] / sx[j]) * (y[i] / sy[j]);
                }

                var expectedSquares = new float[columns];
                var expectedProducts = new float[columns];
                TorchColumnReductions.Sum(squares, rows, columns, expectedSquares);
                TorchColumnReductions.Sum(products, rows, columns, expectedProducts);
                var squareSums = new TorchColumnSumAccumulator(rows, columns);
                var productSums = new TorchColumnSumAccumulator(rows, columns);
                for (int r = 0; r < rows; r++)
                {
                    squareSums.AddSquaresRow(x.AsSpan(r * columns, columns));
                    productSums.AddNormalizedProductsRow(x.AsSpan(r * columns, columns), sx, y.AsSpan(r * columns, columns), sy);
                }

                var actual = new float[columns];
                squareSums.Result(actual);
                Bits.AssertSame(expectedSquares, actual, $"[{rows}, {columns}] pow(x, 2).sum(0)");
                productSums.Result(actual);
                Bits.AssertSame(expectedProducts, actual, $"[{rows}, {columns}] ((x / sx) * (y / sy)).sum(0)");
            }
        }
    }

    [Fact]
    public void Squares_added_two_rows_at_a_time_are_the_sums_of_the_stored_terms()
    {
        // AddSquaresRows adds rows in pairs that start at an even row (no pair may straddle a cascade carry); blocks of
        // any row count, starting at odd or even rows, plain and divided by per-column divisors (cosineA), must give
        // the whole-tensor sums of the terms written out one element at a time.
        foreach (bool divided in new[] { false, true })
        {
            foreach (int columns in new[] { 2, 3, 7, 8, 31, 32, 33, 40, 70 })
            {
                foreach (int rows in new[] { 1, 2, 3, 15, 16, 17, 33, 257, 1030 })
                {
                    foreach (int block in new[] { 1, 2, 3, 5, 16, 64 })
                    {
                        bool special = (rows + columns + block) % 2 == 1;
                        float[] x = Values(rows * columns, seed: (rows * 7) + columns + block, special);
                        float[] d = Values(columns, seed: columns, special: false);
                        var terms = new float[x.Length];
                        for (int i = 0; i < x.Length; i++)
                        {
                            float q = divided ? x[i] / d[i % columns] : x[i];
                            terms[i] = q * q;
                        }

                        var expected = new float[columns];
                        TorchColumnReductions.Sum(terms, rows, columns, expected);
                        var sums = new TorchColumnSumAccumulator(rows, columns);
                        for (int r0 = 0; r0 < rows; r0 += block)
                        {
                            ReadOnlySpan<float> rowsOfBlock = x.AsSpan(r0 * columns, Math.Min(block, rows - r0) * columns);
                            if (divided)
                            {
                                sums.AddSquaresRows(rowsOfBlock, d);
                            }
                            else
                            {
                                sums.AddSquaresRows(rowsOfBlock);
                            }
                        }

                        var actual = new float[columns];
                        sums.Result(actual);
                        Bits.AssertSame(expected, actual, $"[{rows}, {columns}] in blocks of {block}{(divided ? ", divided" : "")}");
                    }
                }
            }
        }
    }

    [Fact]
    public void Squares_rows_that_are_not_whole_rows_or_too_many_are_refused()
    {
        var sums = new TorchColumnSumAccumulator(3, 4);
        Assert.Throws<ArgumentException>(() => sums.AddSquaresRows(new float[6]));
        Assert.Throws<ArgumentException>(() => sums.AddSquaresRows(new float[8], new float[3]));
        Assert.Throws<InvalidOperationException>(() => sums.AddSquaresRows(new float[16]));
        sums.AddSquaresRows(new float[12]);
        Assert.Throws<InvalidOperationException>(() => sums.AddSquaresRows(new float[4]));
    }

    [Fact]
    public void Normalized_products_fused_with_the_magnitude_are_the_separate_sums_and_the_whole_vector_magnitude()
    {
        // Row-by-row columns only (32, 64), the row_sum rest only (8, 16, 24), both (40, 72, 1064); rows around the
        // cascades' chunks and the row_sum leftovers; plain and divided first by per-column divisors (cosineA).
        // Oracles: the whole-tensor sums of the terms written out one at a time, and dot / norm of the whole flat
        // tensors of the (divided) values.
        foreach (bool divided in new[] { false, true })
        {
            foreach (int columns in new[] { 8, 16, 24, 32, 40, 64, 72, 1064 })
            {
                foreach (int rows in new[] { 0, 1, 3, 4, 5, 17, 257 })
                {
                    AssertFusedProducts(rows, columns, divided);
                }
            }
        }
    }

    [Fact]
    public void Two_tensors_fused_side_by_side_keep_each_tensors_own_bits()
    {
        // AddNormalizedProductsRows feeds two tensors in one loop; each one's sums, dot chain and norms must be its own
        // whole-tensor ones (the two tensors differ in every value, one with NaN/±∞/±0), plain and divided.
        foreach (bool divided in new[] { false, true })
        {
            foreach (int columns in new[] { 8, 16, 24, 32, 40, 48, 64, 72, 1064 })
            {
                foreach (int rows in new[] { 1, 3, 4, 5, 17, 257 })
                {
                    var one = FusedCase.Make(rows, columns, divided, seed: (rows * 23) + columns, special: true);
                    var two = FusedCase.Make(rows, columns, divided, seed: (rows * 37) + columns + 1, special: false);
                    var oneMagnitude = default(TorchMagnitudeAccumulator);
                    var twoMagnitude = default(TorchMagnitudeAccumulator);
                    for (int r = 0; r < rows; r++)
                    {
                        TorchColumnSumAccumulator.AddNormalizedProductsRows(
                            one.Sums, one.X.AsSpan(r * columns, columns), one.Dx, one.Sx, one.Y.AsSpan(r * columns, columns), one.Dy, one.Sy, ref oneMagnitude,
                            two.Sums, two.X.AsSpan(r * columns, columns), two.Dx, two.Sx, two.Y.AsSpan(r * columns, columns), two.Dy, two.Sy, ref twoMagnitude);
                    }

                    string context = $"[{rows}, {columns}] paired{(divided ? ", divided" : "")}";
                    one.AssertResult(ref oneMagnitude, context + ", first");
                    two.AssertResult(ref twoMagnitude, context + ", second");
                }
            }
        }
    }

    [Fact]
    public void Paired_rows_of_other_widths_or_divisions_are_refused()
    {
        var m1 = default(TorchMagnitudeAccumulator);
        var m2 = default(TorchMagnitudeAccumulator);
        float[] r16 = new float[16], r24 = new float[24];
        Assert.Throws<ArgumentException>(() => TorchColumnSumAccumulator.AddNormalizedProductsRows(
            new TorchColumnSumAccumulator(2, 16), r16, [], r16, r16, [], r16, ref m1,
            new TorchColumnSumAccumulator(2, 24), r24, [], r24, r24, [], r24, ref m2));
        Assert.Throws<ArgumentException>(() => TorchColumnSumAccumulator.AddNormalizedProductsRows(
            new TorchColumnSumAccumulator(2, 16), r16, r16, r16, r16, r16, r16, ref m1,
            new TorchColumnSumAccumulator(2, 16), r16, [], r16, r16, [], r16, ref m2));
        var full = new TorchColumnSumAccumulator(1, 16);
        full.AddNormalizedProductsRow(r16, r16, r16, r16, ref m1);
        Assert.Throws<InvalidOperationException>(() => TorchColumnSumAccumulator.AddNormalizedProductsRows(
            new TorchColumnSumAccumulator(2, 16), r16, [], r16, r16, [], r16, ref m2,
            full, r16, [], r16, r16, [], r16, ref m1));
    }

    /// <summary>One tensor's fused products case: its inputs, its accumulator, and the whole-tensor oracle's results.</summary>
    private sealed class FusedCase
    {
        public required float[] X { get; init; }
        public required float[] Y { get; init; }
        public required float[] Sx { get; init; }
        public required float[] Sy { get; init; }
        public required float[] Dx { get; init; }
        public required float[] Dy { get; init; }
        public required TorchColumnSumAccumulator Sums { get; init; }
        public required float[] ExpectedSums { get; init; }
        public required (float Dot, float NormX, float NormY) ExpectedMagnitude { get; init; }

        public static FusedCase Make(int rows, int columns, bool divided, int seed, bool special)
        {
            float[] x = Values(rows * columns, seed, special);
            float[] y = Values(rows * columns, seed + 1, special);
            float[] sx = Values(columns, seed + 2, special);
            float[] sy = Values(columns, seed + 3, special: false);
            float[] dx = divided ? Values(columns, seed + 4, special) : [];
            float[] dy = divided ? Values(columns, seed + 5, special: false) : [];
            float[] qx = divided ? [.. x.Select((v, i) => v / dx[i % columns])] : x;
            float[] qy = divided ? [.. y.Select((v, i) => v / dy[i % columns])] : y;
            var products = new float[rows * columns];
            for (int i = 0; i < products.Length; i++)
            {
                int j = i % columns;
                products[i] = (qx[i] / sx[j]) * (qy[i] / sy[j]);
            }

            var expected = new float[columns];
            TorchColumnReductions.Sum(products, rows, columns, expected);
            return new FusedCase
            {
                X = x, Y = y, Sx = sx, Sy = sy, Dx = dx, Dy = dy,
                Sums = new TorchColumnSumAccumulator(rows, columns),
                ExpectedSums = expected,
                ExpectedMagnitude = (TorchVectorReductions.Dot(qx, qy), TorchVectorReductions.Norm(qx), TorchVectorReductions.Norm(qy)),
            };
        }

        public void AssertResult(ref TorchMagnitudeAccumulator magnitude, string context)
        {
            var actual = new float[ExpectedSums.Length];
            Sums.Result(actual);
            Bits.AssertSame(ExpectedSums, actual, context + " ((x / sx) * (y / sy)).sum(0)");
            (float dot, float normX, float normY) = magnitude.Finish([], []);
            Bits.AssertSame([ExpectedMagnitude.Dot], [dot], context + " dot");
            Bits.AssertSame([ExpectedMagnitude.NormX], [normX], context + " norm(x)");
            Bits.AssertSame([ExpectedMagnitude.NormY], [normY], context + " norm(y)");
        }
    }

    [Fact]
    public void Squares_of_divided_rows_are_the_sums_of_the_stored_terms()
    {
        foreach (int columns in s_columns.Concat([1025]))
        {
            foreach (int rows in new[] { 1, 4, 5, 17, 257 })
            {
                bool special = (rows + columns) % 2 == 0;
                float[] x = Values(rows * columns, seed: (rows * 31) + columns, special);
                float[] d = Values(columns, seed: columns + 5, special);
                var squares = new float[rows * columns];
                for (int i = 0; i < squares.Length; i++)
                {
                    float q = x[i] / d[i % columns];
                    squares[i] = q * q;
                }

                var expected = new float[columns];
                TorchColumnReductions.Sum(squares, rows, columns, expected);
                var sums = new TorchColumnSumAccumulator(rows, columns);
                for (int r = 0; r < rows; r++)
                {
                    sums.AddSquaresRow(x.AsSpan(r * columns, columns), d);
                }

                var actual = new float[columns];
                sums.Result(actual);
                Bits.AssertSame(expected, actual, $"[{rows}, {columns}] pow(x / d, 2).sum(0)");
            }
        }
    }

    private static void AssertFusedProducts(int rows, int columns, bool divided)
    {
        var fused = FusedCase.Make(rows, columns, divided, seed: (rows * 23) + columns, special: (rows + columns) % 3 == 1);
        var magnitude = default(TorchMagnitudeAccumulator);
        for (int r = 0; r < rows; r++)
        {
            Span<float> x = fused.X.AsSpan(r * columns, columns), y = fused.Y.AsSpan(r * columns, columns);
            if (divided)
            {
                fused.Sums.AddNormalizedProductsRow(x, fused.Dx, fused.Sx, y, fused.Dy, fused.Sy, ref magnitude);
            }
            else
            {
                fused.Sums.AddNormalizedProductsRow(x, fused.Sx, y, fused.Sy, ref magnitude);
            }
        }

        fused.AssertResult(ref magnitude, $"[{rows}, {columns}] fused{(divided ? ", divided" : "")}");
    }

    [Fact]
    public void Column_norms_fed_by_rows_are_the_whole_tensor_norms()
    {
        foreach (int columns in s_columns)
        {
            foreach (int rows in s_rows)
            {
                float[] x = Values(rows * columns, seed: (rows * 7) + columns, special: rows == 65);
                var expected = new float[columns];
                TorchColumnReductions.Norm(x, rows, columns, expected);
                var accumulator = new TorchColumnNormAccumulator(columns);
                for (int r = 0; r < rows; r++)
                {
                    accumulator.AddRow(x.AsSpan(r * columns, columns));
                }

                var actual = new float[columns];
                accumulator.Result(actual);
                Bits.AssertSame(expected, actual, $"[{rows}, {columns}] norm(2, 0)");
            }
        }
    }

    [Fact]
    public void Dot_and_norms_fed_in_blocks_are_the_whole_vector_ones()
    {
        var random = new Random(5);
        for (int length = 0; length < 120; length++)
        {
            AssertMagnitude(length, random, special: length % 9 == 4);
        }

        AssertMagnitude(10_007, random, special: false);
        AssertMagnitude(65_536, random, special: true);
    }

    [Fact]
    public void Misuse_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TorchColumnSumAccumulator(4, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TorchColumnNormAccumulator(1));
        var sums = new TorchColumnSumAccumulator(1, 3);
        Assert.Throws<ArgumentException>(() => sums.AddRow(new float[2]));
        sums.AddRow(new float[3]);
        Assert.Throws<InvalidOperationException>(() => sums.AddRow(new float[3]));
        Assert.Throws<InvalidOperationException>(() => sums.AddSquaresRow(new float[3]));
        Assert.Throws<ArgumentException>(() => new TorchColumnSumAccumulator(1, 3).AddSquaresRow(new float[4]));
        Assert.Throws<ArgumentException>(() => new TorchColumnSumAccumulator(1, 3).AddNormalizedProductsRow(new float[3], new float[3], new float[3], new float[2]));
        Assert.Throws<InvalidOperationException>(() => new TorchColumnSumAccumulator(2, 3).Result(new float[3]));
        var magnitude = default(TorchMagnitudeAccumulator);
        Assert.Throws<ArgumentException>(() => new TorchColumnSumAccumulator(1, 12).AddNormalizedProductsRow(new float[12], new float[12], new float[12], new float[12], ref magnitude));
        Assert.Throws<ArgumentException>(() => magnitude.Add(new float[7], new float[7]));
        Assert.Throws<ArgumentException>(() => magnitude.Add(new float[8], new float[16]));
    }

    private static void AssertColumnSums(int rows, int columns, int seed) =>
        AssertColumnSums(rows, columns, Values(rows * columns, seed, special: false));

    private static void AssertColumnSums(int rows, int columns, float[] x)
    {
        var expected = new float[columns];
        TorchColumnReductions.Sum(x, rows, columns, expected);
        var accumulator = new TorchColumnSumAccumulator(rows, columns);
        for (int r = 0; r < rows; r++)
        {
            accumulator.AddRow(x.AsSpan(r * columns, columns));
        }

        var actual = new float[columns];
        accumulator.Result(actual);
        Bits.AssertSame(expected, actual, $"[{rows}, {columns}] sum(0)");
    }

    /// <summary>Splits the vectors at random multiples of 8 (empty blocks included) and compares with the whole-vector methods.</summary>
    private static void AssertMagnitude(int length, Random random, bool special)
    {
        float[] x = Values(length, random.Next(), special);
        float[] y = Values(length, random.Next(), special);
        var accumulator = default(TorchMagnitudeAccumulator);
        int start = 0;
        while (length - start >= 8 && random.Next(3) != 0)
        {
            int take = 8 * random.Next(0, ((length - start) / 8) + 1);
            accumulator.Add(x.AsSpan(start, take), y.AsSpan(start, take));
            start += take;
        }

        (float dot, float normX, float normY) = accumulator.Finish(x.AsSpan(start), y.AsSpan(start));
        string context = $"length {length}, last block from {start}";
        Bits.AssertSame([TorchVectorReductions.Dot(x, y)], [dot], context + " dot");
        Bits.AssertSame([TorchVectorReductions.Norm(x)], [normX], context + " norm(x)");
        Bits.AssertSame([TorchVectorReductions.Norm(y)], [normY], context + " norm(y)");
    }

    /// <summary>Values of widely different magnitudes and both signs (so the summation order shows in the last bits), optionally with NaN, ±∞ and ±0.</summary>
    private static float[] Values(int length, int seed, bool special)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((random.NextDouble() - 0.4) * Math.Pow(10, random.Next(-3, 4)));
            if (special && random.Next(97) == 0)
            {
                values[i] = random.Next(5) switch
                {
                    0 => float.NaN,
                    1 => float.PositiveInfinity,
                    2 => float.NegativeInfinity,
                    3 => -0f,
                    _ => 0f,
                };
            }
        }

        return values;
    }
}
