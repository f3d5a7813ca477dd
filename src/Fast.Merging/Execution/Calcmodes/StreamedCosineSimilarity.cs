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

    /// <summary>The key's similarities, as <see cref="CosineSimilarity.Compute"/> returns them for the widened inputs.</summary>
    public static CosineSimilarity.KeySimilarity Compute(bool favorA, StoredPair inputs, long[] shape, CosineScratch scratch)
    {
        int rows = checked((int)shape[0]);
        int columns = CosineSimilarity.Columns(shape);
        int blockRows = BlockRows(rows, columns);

        float[]? normsX = null, normsY = null;
        if (favorA)
        {
            // normalize(p=2, dim=0): each column divided by clamp_min(norm(column), 1e-12).
            var columnNormsX = new TorchColumnNormAccumulator(columns);
            var columnNormsY = new TorchColumnNormAccumulator(columns);
            for (int r0 = 0; r0 < rows; r0 += blockRows)
            {
                int count = Math.Min(blockRows, rows - r0);
                inputs.Load(r0, count, columns, scratch, out Span<float> x, out Span<float> y);
                for (int r = 0; r < count; r++)
                {
                    columnNormsX.AddRow(x.Slice(r * columns, columns));
                    columnNormsY.AddRow(y.Slice(r * columns, columns));
                }
            }

            normsX = ClampedNorms(columnNormsX, columns);
            normsY = ClampedNorms(columnNormsY, columns);
        }

        // cosineA's normalised values are divided as the sums read them (the same f32 quotients), not written back.
        var squaresX = new TorchColumnSumAccumulator(rows, columns);
        var squaresY = new TorchColumnSumAccumulator(rows, columns);
        for (int r0 = 0; r0 < rows; r0 += blockRows)
        {
            int count = Math.Min(blockRows, rows - r0);
            inputs.Load(r0, count, columns, scratch, out Span<float> x, out Span<float> y);
            for (int r = 0; r < count; r++)
            {
                ReadOnlySpan<float> rowX = x.Slice(r * columns, columns), rowY = y.Slice(r * columns, columns);
                if (normsX is not null && normsY is not null)
                {
                    squaresX.AddSquaresRow(rowX, normsX);
                    squaresY.AddSquaresRow(rowY, normsY);
                }
                else
                {
                    squaresX.AddSquaresRow(rowX);
                    squaresY.AddSquaresRow(rowY);
                }
            }
        }

        // The magnitude (dot, both norms) is taken in the products' sweep: the dot product is one chain of dependent
        // f32 adds (torch's sdot), bound by add latency, and the products' divisions fit in its shadow, where the
        // squares' cheap adds left most of it idle. Rows of a multiple of 8 values feed both in one loop.
        float[] sx = ClampedRoots(squaresX, columns);
        float[] sy = ClampedRoots(squaresY, columns);
        var magnitude = default(TorchMagnitudeAccumulator);
        (float Dot, float NormX, float NormY) whole = default;
        bool fused = columns % 8 == 0;
        var products = new TorchColumnSumAccumulator(rows, columns);
        for (int r0 = 0; r0 < rows; r0 += blockRows)
        {
            int count = Math.Min(blockRows, rows - r0);
            bool lastBlock = r0 + count == rows;
            if (fused)
            {
                inputs.Load(r0, count, columns, scratch, out Span<float> storedX, out Span<float> storedY);
                for (int r = 0; r < count; r++)
                {
                    products.AddNormalizedProductsRow(
                        storedX.Slice(r * columns, columns), normsX, sx, storedY.Slice(r * columns, columns), normsY, sy, ref magnitude);
                }

                if (lastBlock)
                {
                    whole = magnitude.Finish([], []);
                }

                continue;
            }

            Load(inputs, r0, count, columns, normsX, normsY, scratch, out Span<float> x, out Span<float> y);
            if (lastBlock)
            {
                whole = magnitude.Finish(x, y);
            }
            else
            {
                magnitude.Add(x, y);
            }

            for (int r = 0; r < count; r++)
            {
                products.AddNormalizedProductsRow(x.Slice(r * columns, columns), sx, y.Slice(r * columns, columns), sy);
            }
        }

        var similarity = new float[columns];
        products.Result(similarity);

        // torch.dot(A, B) / (torch.norm(A) * torch.norm(B)), each an f32 op.
        float magnitudeTerm = whole.Dot / (whole.NormX * whole.NormY);
        return CosineSimilarity.FromSimilarity(favorA, similarity, magnitudeTerm);
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

    private static void Load(StoredPair inputs, int firstRow, int count, int columns, float[]? normsX, float[]? normsY, CosineScratch scratch, out Span<float> x, out Span<float> y)
    {
        inputs.Load(firstRow, count, columns, scratch, out x, out y);
        if (normsX is not null && normsY is not null)
        {
            for (int r = 0; r < count; r++)
            {
                CosineSimilarity.DivideInPlace(x.Slice(r * columns, columns), normsX);
                CosineSimilarity.DivideInPlace(y.Slice(r * columns, columns), normsY);
            }
        }
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
