namespace Fast.Kernels.Gpu.Kernels;

/// <summary>The per-element formulas of SPEC §2–4, shared by every merge kernel.</summary>
internal static class MergeMath
{
    /// <summary>torch's CPU lerp: <c>d = e − s; |w| &lt; 0.5 ? fma(w, d, s) : fma(w − 1, d, e)</c>.</summary>
    public static float Lerp<TMath>(float start, float end, float weight)
        where TMath : struct, IStrictMath
    {
        var math = default(TMath);
        float difference = math.Sub(end, start);
        return Math.Abs(weight) < 0.5f
            ? math.Fma(weight, difference, start)
            : math.Fma(math.Sub(weight, 1f), difference, end);
    }

    /// <summary><c>a + (α·x)</c> as two separately rounded operations.</summary>
    public static float AddScaled<TMath>(float a, float x, float alpha)
        where TMath : struct, IStrictMath
    {
        var math = default(TMath);
        return math.Add(a, math.Mul(alpha, x));
    }

    /// <summary>SPEC §4 trainDifference for one element, in its exact operation order.</summary>
    public static float TrainDifference<TMath>(float a, float b, float c, float alphaTimes18)
        where TMath : struct, IStrictMath
    {
        var math = default(TMath);
        float differenceBC = math.Sub(b, c);
        float distance0 = Math.Abs(math.Sub(b, c));
        float distance1 = Math.Abs(math.Sub(b, a));
        float sum = math.Add(distance0, distance1);
        float scale = sum != 0f ? distance1 / sum : 0f;

        // torch.sign: +1, −1, or +0 (for ±0 and NaN); a NaN difference makes the product NaN anyway.
        float sign = differenceBC > 0f ? 1f : differenceBC < 0f ? -1f : 0f;
        scale = math.Mul(sign, Math.Abs(scale));
        float update = math.Mul(scale, Math.Abs(differenceBC));
        return math.Add(a, math.Mul(update, alphaTimes18));
    }

    /// <summary>
    /// <see cref="Math.Max(float, float)"/> against a positive floor, NaN kept as .NET and torch keep it (PTX's
    /// <c>max.f32</c> would return the floor for a NaN value).
    /// </summary>
    public static float MaxKeepingNaN(float value, float floor) => value < floor ? floor : value;
}
