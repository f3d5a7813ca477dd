using Fast.Kernels;

namespace Fast.Merging.Execution.Calcmodes;

/// <summary>
/// The reference's per-key similarities (supermerger <c>precosine</c>/<c>cosine</c>) of A and B (or of A and B − C
/// in add difference), over dim 0 of the tensor viewed as [shape[0], rest]. Sums accumulate in double; every
/// value torch keeps as an f32 tensor is rounded to f32 at the same point, so k agrees with torch to ~1e-7.
/// </summary>
internal static class CosineSimilarity
{
    private const float NormalizeEpsilon = 1e-12f;
    private const float SimilarityEpsilon = 1e-8f;

    /// <summary>Statistic values (what the first pass collects) and the combined similarity the merge weighs with.</summary>
    public readonly record struct KeySimilarity(float[] Statistic, float[] Combined);

    /// <summary>
    /// cosineB: <c>combined = (sim₀(A, B) + dot(A, B)/(‖A‖·‖B‖)) / 2</c>, collected and used as is.
    /// cosineA: A and B are first normalised per column; the statistic is sim₀ of the normalised tensors and the
    /// merge uses their combined similarity. <paramref name="x"/> and <paramref name="y"/> are overwritten (normalised).
    /// </summary>
    public static KeySimilarity Compute(bool favorA, Span<float> x, Span<float> y, long[] shape)
    {
        int rows = shape.Length == 0 ? 1 : checked((int)shape[0]);
        int columns = Columns(shape);

        var dot = new double[columns];
        var xx = new double[columns];
        var yy = new double[columns];
        Reductions.ColumnSums(x, y, rows, columns, dot, xx, yy);
        if (favorA)
        {
            // normalize(p=2, dim=0) first; everything below then sees the normalised tensors.
            Normalize(x, xx, rows, columns, NormalizeEpsilon);
            Normalize(y, yy, rows, columns, NormalizeEpsilon);
            Reductions.ColumnSums(x, y, rows, columns, dot, xx, yy);
        }

        float magnitude = (float)Reductions.Dot(x, y) / ((float)Math.Sqrt(Reductions.SumOfSquares(x)) * (float)Math.Sqrt(Reductions.SumOfSquares(y)));

        // torch 1.13's cosine_similarity: columns divided by max(‖column‖, 1e-8), then the products summed.
        Normalize(x, xx, rows, columns, SimilarityEpsilon);
        Normalize(y, yy, rows, columns, SimilarityEpsilon);
        Reductions.ColumnSums(x, y, rows, columns, dot, xx, yy);
        var similarity = new float[columns];
        for (int j = 0; j < columns; j++)
        {
            similarity[j] = (float)dot[j];
        }

        return FromSimilarity(favorA, similarity, magnitude);
    }

    /// <summary>Columns of the [shape[0], rest] view the similarities are taken over (1 for a 0-dim key).</summary>
    public static int Columns(long[] shape)
    {
        int columns = 1;
        for (int d = 1; d < shape.Length; d++)
        {
            columns = checked(columns * (int)shape[d]);
        }

        return columns;
    }

    /// <summary>
    /// The key's result from its per-column similarities and whole-tensor magnitude (from <see cref="Compute"/> or a
    /// device): <c>combined = (similarity + magnitude) / 2</c>; cosineA collects the similarity, cosineB the combined.
    /// </summary>
    public static KeySimilarity FromSimilarity(bool favorA, float[] similarity, float magnitude)
    {
        var combined = new float[similarity.Length];
        for (int j = 0; j < combined.Length; j++)
        {
            combined[j] = (similarity[j] + magnitude) / 2f;
        }

        return new KeySimilarity(favorA ? similarity : combined, combined);
    }

    /// <summary>
    /// <c>lerp(start, end, k)</c> with k per column, broadcast over dim 0, in torch's fma form: <c>fma(w, d, start)</c> or
    /// <c>fma(−d, 1 − w, end)</c>, the latter's zero signs being torch's (<c>end − d·(1 − w)</c> contracted), into <paramref name="destination"/> (may be <paramref name="start"/>).
    /// </summary>
    public static void Lerp(ReadOnlySpan<float> start, ReadOnlySpan<float> end, ReadOnlySpan<float> k, Span<float> destination)
    {
        int columns = k.Length;
        for (int offset = 0; offset < destination.Length; offset += columns)
        {
            for (int j = 0; j < columns; j++)
            {
                float s = start[offset + j];
                float e = end[offset + j];
                float w = k[j];
                float d = e - s;
                destination[offset + j] = Math.Abs(w) < 0.5f ? MathF.FusedMultiplyAdd(w, d, s) : MathF.FusedMultiplyAdd(-d, 1f - w, e);
            }
        }
    }

    /// <summary>x / clamp_min(‖column‖, eps) per column, the norm an f32 value (torch's normalize and cosine_similarity).</summary>
    private static void Normalize(Span<float> values, ReadOnlySpan<double> squares, int rows, int columns, float epsilon)
    {
        var norms = new float[columns];
        for (int j = 0; j < columns; j++)
        {
            norms[j] = Math.Max((float)Math.Sqrt(squares[j]), epsilon);
        }

        for (int r = 0; r < rows; r++)
        {
            Span<float> row = values.Slice(r * columns, columns);
            for (int j = 0; j < columns; j++)
            {
                row[j] /= norms[j];
            }
        }
    }
}
