using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Fast.Kernels;

namespace Fast.Merging.Execution.Calcmodes;

/// <summary>
/// The reference's per-key similarities (supermerger <c>precosine</c>/<c>cosine</c>) of A and B (or of A and B − C
/// in add difference), over dim 0 of the tensor viewed as [shape[0], rest]. Every reduction is torch 1.13's own, in
/// its order (<see cref="TorchColumnReductions"/>, <see cref="TorchVectorReductions"/>), and every element op is the
/// f32 op torch runs, so the similarities, and with them k and the merged tensor, are the reference's bits (SPEC §4).
/// </summary>
internal static class CosineSimilarity
{
    /// <summary><c>normalize</c>'s default eps, used by torch as an f32 scalar.</summary>
    internal const float NormalizeEpsilon = 1e-12f;

    /// <summary><c>cosine_similarity</c> clamps the squared norms at eps² (eps = 1e-8), computed in double, used as f32.</summary>
    internal const float SquaredSimilarityEpsilon = (float)(1e-8 * 1e-8);

    /// <summary>Statistic values (what the first pass collects) and the combined similarity the merge weighs with.</summary>
    public readonly record struct KeySimilarity(float[] Statistic, float[] Combined);

    /// <summary>
    /// cosineB: <c>combined = (sim₀(A, B) + dot(A, B)/(‖A‖·‖B‖)) / 2</c>, collected and used as is.
    /// cosineA: A and B are first normalised per column (<c>normalize(p=2, dim=0)</c>); the statistic is sim₀ of the
    /// normalised tensors and the merge uses their combined similarity. <paramref name="x"/> and <paramref name="y"/>
    /// are overwritten (normalised for cosineA; left as given for cosineB).
    /// </summary>
    public static KeySimilarity Compute(bool favorA, Span<float> x, Span<float> y, long[] shape)
    {
        int rows = shape.Length == 0 ? 1 : checked((int)shape[0]);
        int columns = Columns(shape);
        if (favorA)
        {
            NormalizeColumns(x, rows, columns);
            NormalizeColumns(y, rows, columns);
        }

        // torch.dot(A.view(-1), B.view(-1)) / (torch.norm(A) * torch.norm(B)), each an f32 op.
        float magnitude = TorchVectorReductions.Dot(x, y) / (TorchVectorReductions.Norm(x) * TorchVectorReductions.Norm(y));
        return FromSimilarity(favorA, Similarity(x, y, rows, columns), magnitude);
    }

    /// <summary>
    /// torch 1.13's <c>cosine_similarity(x, y, dim=0)</c>: per column <c>s = sqrt(max(sum(x·x), eps²))</c> for x and
    /// for y, then <c>sum((x / sx) · (y / sy))</c>, each product, quotient and sum torch's f32 one.
    /// </summary>
    private static float[] Similarity(ReadOnlySpan<float> x, ReadOnlySpan<float> y, int rows, int columns)
    {
        float[] scratch = ArrayPool<float>.Shared.Rent(x.Length);
        try
        {
            Span<float> terms = scratch.AsSpan(0, x.Length);
            float[] sx = ClampedRootOfSquares(x, rows, columns, terms);
            float[] sy = ClampedRootOfSquares(y, rows, columns, terms);
            for (int r = 0; r < rows; r++)
            {
                int offset = r * columns;
                NormalizedProducts(x.Slice(offset, columns), sx, y.Slice(offset, columns), sy, terms.Slice(offset, columns));
            }

            var similarity = new float[columns];
            TorchColumnReductions.Sum(terms, rows, columns, similarity);
            return similarity;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    /// <summary><c>sqrt(clamp_min(pow(x, 2).sum(0), eps²))</c> per column; <paramref name="squares"/> is scratch.</summary>
    private static float[] ClampedRootOfSquares(ReadOnlySpan<float> x, int rows, int columns, Span<float> squares)
    {
        Squares(x, squares);

        var roots = new float[columns];
        TorchColumnReductions.Sum(squares, rows, columns, roots);
        for (int j = 0; j < columns; j++)
        {
            roots[j] = MathF.Sqrt(Math.Max(roots[j], SquaredSimilarityEpsilon));
        }

        return roots;
    }

    /// <summary><c>normalize(p=2, dim=0)</c>: each column divided by <c>clamp_min(norm(column), 1e-12)</c>, in place.</summary>
    private static void NormalizeColumns(Span<float> values, int rows, int columns)
    {
        var norms = new float[columns];
        TorchColumnReductions.Norm(values, rows, columns, norms);
        for (int j = 0; j < columns; j++)
        {
            norms[j] = Math.Max(norms[j], NormalizeEpsilon);
        }

        for (int r = 0; r < rows; r++)
        {
            DivideInPlace(values.Slice(r * columns, columns), norms);
        }
    }

    // The element loops below are f32 ops per lane (IEEE in every vector width), so they give torch's bits; they are
    // vectorised only because the similarity pass touches every element of the model several times, and optimised
    // from their first call because the workers keep the tiering JIT off both cores (tier-0 copies ran for seconds).

    /// <summary><c>squares[i] = x[i] · x[i]</c> (torch's <c>pow(x, 2)</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Squares(ReadOnlySpan<float> x, Span<float> squares)
    {
        int i = 0;
        for (; i + Vector256<float>.Count <= x.Length; i += Vector256<float>.Count)
        {
            Vector256<float> v = Vector256.Create(x.Slice(i, Vector256<float>.Count));
            (v * v).CopyTo(squares.Slice(i, Vector256<float>.Count));
        }

        for (; i < x.Length; i++)
        {
            squares[i] = x[i] * x[i];
        }
    }

    /// <summary>One row of <c>(x / sx) · (y / sy)</c>, sx and sy per column.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void NormalizedProducts(ReadOnlySpan<float> x, ReadOnlySpan<float> sx, ReadOnlySpan<float> y, ReadOnlySpan<float> sy, Span<float> products)
    {
        int j = 0;
        for (; j + Vector256<float>.Count <= x.Length; j += Vector256<float>.Count)
        {
            Vector256<float> qx = Vector256.Create(x.Slice(j, Vector256<float>.Count)) / Vector256.Create(sx.Slice(j, Vector256<float>.Count));
            Vector256<float> qy = Vector256.Create(y.Slice(j, Vector256<float>.Count)) / Vector256.Create(sy.Slice(j, Vector256<float>.Count));
            (qx * qy).CopyTo(products.Slice(j, Vector256<float>.Count));
        }

        for (; j < x.Length; j++)
        {
            products[j] = (x[j] / sx[j]) * (y[j] / sy[j]);
        }
    }

    /// <summary><c>row[j] /= divisors[j]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void DivideInPlace(Span<float> row, ReadOnlySpan<float> divisors)
    {
        int j = 0;
        for (; j + Vector256<float>.Count <= row.Length; j += Vector256<float>.Count)
        {
            Span<float> part = row.Slice(j, Vector256<float>.Count);
            (Vector256.Create((ReadOnlySpan<float>)part) / Vector256.Create(divisors.Slice(j, Vector256<float>.Count))).CopyTo(part);
        }

        for (; j < row.Length; j++)
        {
            row[j] /= divisors[j];
        }
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
    /// Both forms are computed per lane and the one torch takes (|w| &lt; 0.5, false for NaN) is kept: each lane is the
    /// scalar formula's f32 fma, so the bits are <see cref="LerpScalar"/>'s (the tests' oracle).
    /// </summary>
    public static void Lerp(ReadOnlySpan<float> start, ReadOnlySpan<float> end, ReadOnlySpan<float> k, Span<float> destination) =>
        LerpFrom(start, end, k, 0, destination);

    /// <summary>
    /// <see cref="Lerp"/> on a run of elements that starts at column <paramref name="firstColumn"/> of a row (a range of
    /// the tensor's flat elements), so partial rows at either end take their own columns' k.
    /// </summary>
    public static void LerpFrom(ReadOnlySpan<float> start, ReadOnlySpan<float> end, ReadOnlySpan<float> k, int firstColumn, Span<float> destination)
    {
        int column = firstColumn;
        for (int offset = 0; offset < destination.Length;)
        {
            int length = Math.Min(k.Length - column, destination.Length - offset);
            LerpSegment(start.Slice(offset, length), end.Slice(offset, length), k.Slice(column, length), destination.Slice(offset, length));
            offset += length;
            column = 0;
        }
    }

    /// <summary>One run of consecutive columns of one row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LerpSegment(ReadOnlySpan<float> start, ReadOnlySpan<float> end, ReadOnlySpan<float> k, Span<float> destination)
    {
        ref float s = ref MemoryMarshal.GetReference(start);
        ref float e = ref MemoryMarshal.GetReference(end);
        ref float weights = ref MemoryMarshal.GetReference(k);
        ref float o = ref MemoryMarshal.GetReference(destination);
        Vector256<float> half = Vector256.Create(0.5f), one = Vector256<float>.One;
        int j = 0;
        for (; j + Vector256<float>.Count <= destination.Length; j += Vector256<float>.Count)
        {
            Vector256<float> vs = Vector256.LoadUnsafe(ref s, (nuint)j);
            Vector256<float> ve = Vector256.LoadUnsafe(ref e, (nuint)j);
            Vector256<float> w = Vector256.LoadUnsafe(ref weights, (nuint)j);
            Vector256<float> d = ve - vs;
            Vector256<float> fromStart = Vector256.FusedMultiplyAdd(w, d, vs);
            Vector256<float> fromEnd = Vector256.FusedMultiplyAdd(-d, one - w, ve);
            Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Abs(w), half), fromStart, fromEnd).StoreUnsafe(ref o, (nuint)j);
        }

        for (; j < destination.Length; j++)
        {
            destination[j] = LerpElement(start[j], end[j], k[j]);
        }
    }

    /// <summary>The element formula of <see cref="Lerp"/>, one element at a time (the oracle of its vector form).</summary>
    public static void LerpScalar(ReadOnlySpan<float> start, ReadOnlySpan<float> end, ReadOnlySpan<float> k, Span<float> destination)
    {
        int columns = k.Length;
        for (int offset = 0; offset < destination.Length; offset += columns)
        {
            for (int j = 0; j < columns; j++)
            {
                destination[offset + j] = LerpElement(start[offset + j], end[offset + j], k[j]);
            }
        }
    }

    private static float LerpElement(float s, float e, float w)
    {
        float d = e - s;
        return Math.Abs(w) < 0.5f ? MathF.FusedMultiplyAdd(w, d, s) : MathF.FusedMultiplyAdd(-d, 1f - w, e);
    }
}
