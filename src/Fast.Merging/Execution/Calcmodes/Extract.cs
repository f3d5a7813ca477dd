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
    /// <summary>Elements per row: the last dim; a 0-dim key is one row of one element (the reference's result is [1], reshaped to A's shape).</summary>
    public static int Columns(long[] shape) => shape.Length == 0 ? 1 : checked((int)shape[^1]);

    public static void Run(Operands operands, double alpha, double beta, double gamma, Span<float> result)
    {
        Span<float> a = operands.Widened(operands.A, operands.TypeA);
        Span<float> fromB = operands.Widened(operands.B, operands.TypeB);
        Span<float> fromC = operands.Widened(operands.C, operands.TypeC);
        MergeKernels.Subtract(fromB, a, fromB);
        MergeKernels.Subtract(fromC, a, fromC);

        int columns = Columns(operands.Shape);
        int rows = columns == 0 ? 0 : (int)(operands.Count / columns);
        var weights = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            weights[r] = TorchCosine.Similarity(fromB.Slice(r * columns, columns), fromC.Slice(r * columns, columns));
        }

        ExtractRowWeights.FromCosines(weights, gamma, beta);
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
}
