using Fast.Kernels;

namespace Fast.Merging.Execution.Calcmodes;

/// <summary>
/// extract (SPEC §4, the reference's <c>extract_super(A, B, C)</c>): with <c>a = B − A</c>, <c>b = C − A</c>, per row
/// of the last dim <c>c = clamp(cos(a, b), −1, 1)</c>, <c>d = ((c + 1)/2)^γ</c>, result
/// <c>A + lerp(a, b, α) · lerp(d, 1 − d, β)</c>. Reductions accumulate in double; the rest is torch's f32 op order.
/// </summary>
internal static class Extract
{
    private const int ShortRow = 8;
    private const float Epsilon = 1e-8f;

    public static void Run(Operands operands, double alpha, double beta, double gamma, Span<float> result)
    {
        Span<float> a = operands.Widened(operands.A, operands.TypeA);
        Span<float> fromB = operands.Widened(operands.B, operands.TypeB);
        Span<float> fromC = operands.Widened(operands.C, operands.TypeC);
        MergeKernels.Subtract(fromB, a, fromB);
        MergeKernels.Subtract(fromC, a, fromC);

        // A 0-dim key is one row of one element (the reference's result is [1], reshaped to A's shape).
        int columns = operands.Shape.Length == 0 ? 1 : checked((int)operands.Shape[^1]);
        int rows = columns == 0 ? 0 : (int)(operands.Count / columns);
        var weights = new float[rows];
        float g = (float)gamma;
        float b = (float)beta;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> x = fromB.Slice(r * columns, columns);
            ReadOnlySpan<float> y = fromC.Slice(r * columns, columns);
            float cosine = Math.Clamp(Cosine(x, y), -1f, 1f);
            float d = MathF.Pow((cosine + 1f) / 2f, g);
            weights[r] = LerpScalar(d, 1f - d, b);
        }

        MergeKernels.Lerp(fromB, fromC, (float)alpha, fromB);
        for (int r = 0; r < rows; r++)
        {
            float w = weights[r];
            ReadOnlySpan<float> baseRow = a.Slice(r * columns, columns);
            ReadOnlySpan<float> blended = fromB.Slice(r * columns, columns);
            Span<float> output = result.Slice(r * columns, columns);
            for (int j = 0; j < columns; j++)
            {
                // Two roundings (product, then sum): the JIT never contracts these into an fma.
                output[j] = baseRow[j] + (blended[j] * w);
            }
        }
    }

    /// <summary>
    /// torch 1.13's <c>cosine_similarity</c>: each row divided by <c>max(‖row‖, 1e-8)</c> (an f32 norm), then the
    /// f32 products summed. Short rows (1×1 and 3×3 convolutions reduce over 1 or 3 values) are summed in order in
    /// f32 as torch does, so a cosine of exactly ±1 stays exact (<c>((c + 1)/2)^γ</c> is steep there); longer rows
    /// accumulate in double (SPEC §4).
    /// </summary>
    private static float Cosine(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        if (x.Length <= ShortRow)
        {
            float xx = 0f, yy = 0f;
            for (int i = 0; i < x.Length; i++)
            {
                xx += x[i] * x[i];
                yy += y[i] * y[i];
            }

            float nxs = Math.Max(MathF.Sqrt(xx), Epsilon), nys = Math.Max(MathF.Sqrt(yy), Epsilon);
            float sum = 0f;
            for (int i = 0; i < x.Length; i++)
            {
                sum += (x[i] / nxs) * (y[i] / nys);
            }

            return sum;
        }

        float nx = Math.Max((float)Math.Sqrt(Reductions.SumOfSquares(x)), Epsilon);
        float ny = Math.Max((float)Math.Sqrt(Reductions.SumOfSquares(y)), Epsilon);
        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            total += (x[i] / nx) * (y[i] / ny);
        }

        return (float)total;
    }

    /// <summary>torch's f32 lerp (SPEC §2), with torch's zero signs in the large-weight branch (<c>end − d·(1 − w)</c> contracted).</summary>
    private static float LerpScalar(float start, float end, float weight)
    {
        float d = end - start;
        return Math.Abs(weight) < 0.5f ? MathF.FusedMultiplyAdd(weight, d, start) : MathF.FusedMultiplyAdd(-d, 1f - weight, end);
    }
}
