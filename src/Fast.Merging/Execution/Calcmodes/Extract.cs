using Fast.Kernels;

namespace Fast.Merging.Execution.Calcmodes;

/// <summary>
/// extract (SPEC §4, the reference's <c>extract_super(A, B, C)</c>): with <c>a = B − A</c>, <c>b = C − A</c>, per row
/// of the last dim <c>c = clamp(cos(a, b), −1, 1)</c>, <c>d = ((c + 1)/2)^γ</c>, result
/// <c>A + lerp(a, b, α) · lerp(d, 1 − d, β)</c>, all in torch's f32 op order.
/// </summary>
/// <remarks>
/// The cosine is torch's own f32 arithmetic, reductions included (<see cref="TorchCosine"/>), and the power is
/// torch's (<see cref="TorchPow"/>: SLEEF's powf on its vectorised rows), not SPEC §4's "reductions in double":
/// SPEC's 1-ulp agreement with torch cannot hold with double sums, because the steep <c>((c + 1)/2)^γ</c>
/// amplifies the cosine's last-place difference. Measured on the compat case sdxl-extract-fp32 (fp32 output,
/// 3,464,800 elements): double sums and <see cref="MathF.Pow"/> differed from torch on 221,421 elements, 1,374 of
/// them by 2–3 ulp; torch's f32 sums with <see cref="MathF.Pow"/> on 17,979, 90 of them by 2 ulp; torch's sums and
/// torch's pow on none.
/// </remarks>
internal static class Extract
{
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
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> x = fromB.Slice(r * columns, columns);
            ReadOnlySpan<float> y = fromC.Slice(r * columns, columns);
            float cosine = Math.Clamp(TorchCosine.Similarity(x, y), -1f, 1f);
            weights[r] = (cosine + 1f) / 2f;
        }

        // d = ((c + 1)/2) ** γ is one torch op over all rows, so which rows take its vectorised pow depends on the row count.
        TorchPow.PowInPlace(weights, gamma);
        float b = (float)beta;
        for (int r = 0; r < rows; r++)
        {
            float d = weights[r];
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

    /// <summary>torch's f32 lerp (SPEC §2), with torch's zero signs in the large-weight branch (<c>end − d·(1 − w)</c> contracted).</summary>
    private static float LerpScalar(float start, float end, float weight)
    {
        float d = end - start;
        return Math.Abs(weight) < 0.5f ? MathF.FusedMultiplyAdd(weight, d, start) : MathF.FusedMultiplyAdd(-d, 1f - weight, end);
    }
}
