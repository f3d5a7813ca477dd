using Fast.Kernels;

namespace Fast.Merging.Execution.Calcmodes;

/// <summary>
/// <see cref="CosineSimilarity.Compute"/> swept in cache-sized blocks of rows from the stored bytes: the same f32
/// element ops and torch reduction orders (<see cref="TorchColumnSumAccumulator"/>, <see cref="TorchColumnNormAccumulator"/>,
/// <see cref="TorchMagnitudeAccumulator"/>), so the same bits, without widening the key into tensor-sized f32 arrays and
/// sweeping those a dozen times. cosineB takes two sweeps (the column squares; then the normalised products, which
/// need the squares' roots, with the dot product and norms); cosineA one more first (the column norms it normalises
/// by). The squares and products are computed as the column sums add them, never stored as a row.
/// </summary>
internal static class StreamedCosineSimilarity
{
    /// <summary>About this many f32 values per block and operand: two operands' blocks stay in the L2 cache.</summary>
    private const int BlockElements = 16384;

    /// <summary>Whether a key of this shape can be swept by rows (2 or more columns; one column is a contiguous reduction).</summary>
    public static bool Supports(long[] shape) => shape.Length >= 2 && shape[0] > 0 && CosineSimilarity.Columns(shape) >= 2;

    /// <summary>Whether two keys of these shapes can take their products sweep together (<see cref="ComputePair"/>).</summary>
    public static bool CanPair(long[] first, long[] second) =>
        Supports(first) && first.AsSpan().SequenceEqual(second) && CosineSimilarity.Columns(first) % 8 == 0;

    /// <summary>The key's similarities, as <see cref="CosineSimilarity.Compute"/> returns them for the widened inputs.</summary>
    public static CosineSimilarity.KeySimilarity Compute(bool favorA, StoredPair inputs, long[] shape, CosineScratch scratch)
    {
        var key = new KeySweeps(favorA, inputs, shape, scratch);
        key.SweepColumnSquares();
        key.SweepProducts();
        return key.Result();
    }

    /// <summary>
    /// Two keys of one shape (<see cref="CanPair"/>), each as <see cref="Compute"/> gives it, with their products sweeps
    /// run side by side in one loop: each products sweep is bound by its dot product's chain of dependent adds
    /// (torch's <c>sdot</c>), which no reordering within a key may shorten, so two keys' chains advancing together
    /// take about the time of one. Each key keeps its own reads, sums and chain: the bits do not depend on the pairing.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ or cannot be paired.</exception>
    public static (CosineSimilarity.KeySimilarity First, CosineSimilarity.KeySimilarity Second) ComputePair(
        bool favorA, StoredPair first, StoredPair second, long[] shape, CosineScratch firstScratch, CosineScratch secondScratch)
    {
        if (!CanPair(shape, shape))
        {
            throw new ArgumentException($"keys of shape [{string.Join(", ", shape)}] take their sweeps one at a time", nameof(shape));
        }

        var one = new KeySweeps(favorA, first, shape, firstScratch);
        var two = new KeySweeps(favorA, second, shape, secondScratch);
        one.SweepColumnSquares();
        two.SweepColumnSquares();
        for (int r0 = 0; r0 < one.Rows; r0 += one.BlockRows)
        {
            int count = Math.Min(one.BlockRows, one.Rows - r0);
            one.Inputs.Load(r0, count, one.Columns, one.Scratch, out Span<float> x1, out Span<float> y1);
            two.Inputs.Load(r0, count, two.Columns, two.Scratch, out Span<float> x2, out Span<float> y2);
            int columns = one.Columns;
            for (int r = 0; r < count; r++)
            {
                TorchColumnSumAccumulator.AddNormalizedProductsRows(
                    one.Products, x1.Slice(r * columns, columns), one.NormsX, one.RootsX, y1.Slice(r * columns, columns), one.NormsY, one.RootsY, ref one.Magnitude,
                    two.Products, x2.Slice(r * columns, columns), two.NormsX, two.RootsX, y2.Slice(r * columns, columns), two.NormsY, two.RootsY, ref two.Magnitude);
            }
        }

        one.FinishFusedMagnitude();
        two.FinishFusedMagnitude();
        return (one.Result(), two.Result());
    }

    /// <summary>
    /// One key's sweeps and their state: cosineA's column norms (the divisors of <c>normalize</c>), the column squares'
    /// roots, then the products' column sums with the magnitude (dot, both norms) of the same values.
    /// </summary>
    private sealed class KeySweeps
    {
        private readonly bool _favorA;
        private (float Dot, float NormX, float NormY) _whole;

        public KeySweeps(bool favorA, StoredPair inputs, long[] shape, CosineScratch scratch)
        {
            _favorA = favorA;
            Inputs = inputs;
            Scratch = scratch;
            Rows = checked((int)shape[0]);
            Columns = CosineSimilarity.Columns(shape);
            BlockRows = StreamedCosineSimilarity.BlockRows(Rows, Columns);
            Products = new TorchColumnSumAccumulator(Rows, Columns);
        }

        public StoredPair Inputs { get; }

        public CosineScratch Scratch { get; }

        public int Rows { get; }

        public int Columns { get; }

        public int BlockRows { get; }

        /// <summary>cosineA's per-column divisors <c>clamp_min(norm, 1e-12)</c>; empty in cosineB.</summary>
        public float[] NormsX { get; private set; } = [];

        /// <inheritdoc cref="NormsX"/>
        public float[] NormsY { get; private set; } = [];

        /// <summary><c>sqrt(clamp_min(sum of squares, eps²))</c> per column, of the (normalised) values.</summary>
        public float[] RootsX { get; private set; } = [];

        /// <inheritdoc cref="RootsX"/>
        public float[] RootsY { get; private set; } = [];

        public TorchColumnSumAccumulator Products { get; }

        /// <summary>The magnitude of the products' sweep (a field, so the paired sweep can pass it by reference).</summary>
        public TorchMagnitudeAccumulator Magnitude;

        /// <summary>Whether the products sweep runs fused with the magnitude (rows of a multiple of 8 values).</summary>
        private bool Fused => Columns % 8 == 0;

        /// <summary>cosineA's column norms (one sweep), then the column squares' roots (one more).</summary>
        public void SweepColumnSquares()
        {
            if (_favorA)
            {
                // normalize(p=2, dim=0): each column divided by clamp_min(norm(column), 1e-12).
                var columnNormsX = new TorchColumnNormAccumulator(Columns);
                var columnNormsY = new TorchColumnNormAccumulator(Columns);
                for (int r0 = 0; r0 < Rows; r0 += BlockRows)
                {
                    int count = Math.Min(BlockRows, Rows - r0);
                    Inputs.Load(r0, count, Columns, Scratch, out Span<float> x, out Span<float> y);
                    for (int r = 0; r < count; r++)
                    {
                        columnNormsX.AddRow(x.Slice(r * Columns, Columns));
                        columnNormsY.AddRow(y.Slice(r * Columns, Columns));
                    }
                }

                NormsX = ClampedNorms(columnNormsX, Columns);
                NormsY = ClampedNorms(columnNormsY, Columns);
            }

            // cosineA's normalised values are divided as the sums read them (the same f32 quotients), not written back.
            var squaresX = new TorchColumnSumAccumulator(Rows, Columns);
            var squaresY = new TorchColumnSumAccumulator(Rows, Columns);
            for (int r0 = 0; r0 < Rows; r0 += BlockRows)
            {
                int count = Math.Min(BlockRows, Rows - r0);
                Inputs.Load(r0, count, Columns, Scratch, out Span<float> x, out Span<float> y);
                if (_favorA)
                {
                    squaresX.AddSquaresRows(x, NormsX);
                    squaresY.AddSquaresRows(y, NormsY);
                }
                else
                {
                    squaresX.AddSquaresRows(x);
                    squaresY.AddSquaresRows(y);
                }
            }

            RootsX = ClampedRoots(squaresX, Columns);
            RootsY = ClampedRoots(squaresY, Columns);
        }

        /// <summary>
        /// The products sweep alone. The magnitude (dot, both norms) is taken in it: the dot product is one chain of
        /// dependent f32 adds (torch's sdot), bound by add latency, and the products' divisions fit in its shadow,
        /// where the squares' cheap adds left most of it idle. Rows of a multiple of 8 values feed both in one loop.
        /// </summary>
        public void SweepProducts()
        {
            for (int r0 = 0; r0 < Rows; r0 += BlockRows)
            {
                int count = Math.Min(BlockRows, Rows - r0);
                if (Fused)
                {
                    Inputs.Load(r0, count, Columns, Scratch, out Span<float> storedX, out Span<float> storedY);
                    for (int r = 0; r < count; r++)
                    {
                        Products.AddNormalizedProductsRow(
                            storedX.Slice(r * Columns, Columns), NormsX, RootsX, storedY.Slice(r * Columns, Columns), NormsY, RootsY, ref Magnitude);
                    }

                    continue;
                }

                Load(r0, count, out Span<float> x, out Span<float> y);
                if (r0 + count == Rows)
                {
                    _whole = Magnitude.Finish(x, y);
                }
                else
                {
                    Magnitude.Add(x, y);
                }

                for (int r = 0; r < count; r++)
                {
                    Products.AddNormalizedProductsRow(x.Slice(r * Columns, Columns), RootsX, y.Slice(r * Columns, Columns), RootsY);
                }
            }

            if (Fused)
            {
                FinishFusedMagnitude();
            }
        }

        /// <summary>Ends a fused products sweep: every block fed whole groups of 8, so nothing is left over.</summary>
        public void FinishFusedMagnitude() => _whole = Magnitude.Finish([], []);

        public CosineSimilarity.KeySimilarity Result()
        {
            var similarity = new float[Columns];
            Products.Result(similarity);

            // torch.dot(A, B) / (torch.norm(A) * torch.norm(B)), each an f32 op.
            float magnitudeTerm = _whole.Dot / (_whole.NormX * _whole.NormY);
            return CosineSimilarity.FromSimilarity(_favorA, similarity, magnitudeTerm);
        }

        /// <summary>A block of rows as f32, divided by cosineA's column norms.</summary>
        private void Load(int firstRow, int count, out Span<float> x, out Span<float> y)
        {
            Inputs.Load(firstRow, count, Columns, Scratch, out x, out y);
            if (_favorA)
            {
                for (int r = 0; r < count; r++)
                {
                    CosineSimilarity.DivideInPlace(x.Slice(r * Columns, Columns), NormsX);
                    CosineSimilarity.DivideInPlace(y.Slice(r * Columns, Columns), NormsY);
                }
            }
        }
    }

    /// <summary>
    /// Rows per block: about <see cref="BlockElements"/> values, and a multiple of 8 elements in every block but the
    /// last (the magnitude's norms take the flat tensor in groups of 8).
    /// </summary>
    internal static int BlockRows(int rows, int columns)
    {
        int step = columns % 8 == 0 ? 1 : columns % 4 == 0 ? 2 : columns % 2 == 0 ? 4 : 8;
        int blockRows = Math.Max(step, BlockElements / columns / step * step);
        return Math.Min(blockRows, rows);
    }

    private static float[] ClampedNorms(TorchColumnNormAccumulator stream, int columns)
    {
        var norms = new float[columns];
        stream.Result(norms);
        for (int j = 0; j < columns; j++)
        {
            norms[j] = Math.Max(norms[j], CosineSimilarity.NormalizeEpsilon);
        }

        return norms;
    }

    /// <summary><c>sqrt(clamp_min(sum, eps²))</c> per column.</summary>
    private static float[] ClampedRoots(TorchColumnSumAccumulator stream, int columns)
    {
        var roots = new float[columns];
        stream.Result(roots);
        for (int j = 0; j < columns; j++)
        {
            roots[j] = MathF.Sqrt(Math.Max(roots[j], CosineSimilarity.SquaredSimilarityEpsilon));
        }

        return roots;
    }
}
