namespace Fast.Kernels;

/// <summary>
/// torch 1.13's CPU <c>tensor ** γ</c> on a contiguous f32 tensor, γ a Python float, bit for bit. γ = 0 fills
/// ones, γ = 1 copies, and 0.5, −0.5, −1, 2, 3, −2 are sqrt, 1/sqrt, reciprocal and products (each step rounded
/// to f32). Any other γ: the elementwise loop takes 16 elements at a time (two 8-lane vectors) through SLEEF's
/// <c>powf</c> (<see cref="SleefPowF"/>, with γ rounded to f32) and the last <c>count mod 16</c> through
/// <c>std::pow(double(x), γ)</c> rounded to f32; the two differ in the last place for a few percent of inputs.
/// The split is that of one slice. torch cuts a tensor of more than 32768 elements into min(threads, ⌈n/32768⌉)
/// equal slices, each with its own tail; the largest extract input in SD1/SD2/SDXL, a token embedding of 49408
/// rows, is cut into two halves of 24704 = 16·1544 rows, which have no tail, so the result is the same there.
/// </summary>
public static class TorchPow
{
    /// <summary>Elements torch's vectorised loop takes per step (two <c>Vectorized&lt;float&gt;</c>).</summary>
    public const int VectorStep = 2 * TorchRowSum.Lanes;

    /// <summary>Raises every element of <paramref name="values"/> to <paramref name="exponent"/> in place, as torch does.</summary>
    public static void PowInPlace(Span<float> values, double exponent)
    {
        switch (exponent)
        {
            case 0.0: values.Fill(1f); return;
            case 1.0: return;
            case 0.5: Map(values, static x => MathF.Sqrt(x)); return;
            case -0.5: Map(values, static x => 1f / MathF.Sqrt(x)); return;
            case -1.0: Map(values, static x => 1f / x); return;
            case 2.0: Map(values, static x => x * x); return;
            case 3.0: Map(values, static x => x * x * x); return;
            case -2.0: Map(values, static x => 1f / (x * x)); return;
        }

        int vectorised = values.Length - (values.Length % VectorStep);
        float y = (float)exponent;
        for (int i = 0; i < vectorised; i++)
        {
            values[i] = SleefPowF.Pow(values[i], y);
        }

        for (int i = vectorised; i < values.Length; i++)
        {
            values[i] = (float)Math.Pow(values[i], exponent);
        }
    }

    private static void Map(Span<float> values, Func<float, float> op)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = op(values[i]);
        }
    }
}
