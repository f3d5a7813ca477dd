namespace Fast.Kernels;

/// <summary>
/// calcmode extract's per-row weights from the row cosines (SPEC §4, the reference's <c>extract_super</c>), in torch's
/// f32 ops: <c>c = clamp(cos, −1, 1)</c>, <c>d = ((c + 1)/2)^γ</c>, <c>w = lerp(d, 1 − d, β)</c>. One definition for
/// the SIMD path and the GPU path (which computes the cosines on the device and the weights here), so both give
/// the same bits.
/// </summary>
public static class ExtractRowWeights
{
    /// <summary>Turns the row cosines in <paramref name="values"/> into the rows' weights, in place.</summary>
    /// <param name="values">One cosine per row (torch's, not clamped); the weights on return.</param>
    /// <param name="gamma">γ, the exponent.</param>
    /// <param name="beta">β, the weight between d and 1 − d (rounded to f32).</param>
    public static void FromCosines(Span<float> values, double gamma, double beta)
    {
        for (int r = 0; r < values.Length; r++)
        {
            values[r] = (Math.Clamp(values[r], -1f, 1f) + 1f) / 2f;
        }

        // d = ((c + 1)/2) ** γ is one torch op over all rows, so which rows take its vectorised pow depends on the row count.
        TorchPow.PowInPlace(values, gamma);
        float b = (float)beta;
        for (int r = 0; r < values.Length; r++)
        {
            float d = values[r];
            values[r] = Lerp(d, 1f - d, b);
        }
    }

    /// <summary>torch's f32 lerp (SPEC §2), with torch's zero signs in the large-weight branch (<c>end − d·(1 − w)</c> contracted).</summary>
    private static float Lerp(float start, float end, float weight)
    {
        float d = end - start;
        return Math.Abs(weight) < 0.5f ? MathF.FusedMultiplyAdd(weight, d, start) : MathF.FusedMultiplyAdd(-d, 1f - weight, end);
    }
}
