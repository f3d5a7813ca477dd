using ILGPU;

namespace Fast.Kernels.Gpu.Kernels;

/// <summary>
/// The elementwise steps of the N-model merge methods (<see cref="Fast.Kernels.Methods.MethodKernels"/>,
/// <see cref="Fast.Kernels.Methods.DareMask"/>, <see cref="Fast.Kernels.Methods.MagnitudeTrim"/>'s threshold rule), one
/// thread per element, each operation the CPU's, in its order, through <see cref="IStrictMath"/> so nothing is
/// contracted into an fma. Operands of N models come packed model-major in one view (model m at m·count). Outputs may
/// alias inputs.
/// </summary>
internal static class MultiModelKernels
{
    /// <summary><c>output = weight·x</c>.</summary>
    public static void Scale<TMath>(Index1D i, ArrayView<float> x, ArrayView<float> output, float weight)
        where TMath : struct, IStrictMath =>
        output[i] = default(TMath).Mul(weight, x[i]);

    /// <summary><c>output = a − b</c>.</summary>
    public static void Subtract<TMath>(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> output)
        where TMath : struct, IStrictMath =>
        output[i] = default(TMath).Sub(a[i], b[i]);

    /// <summary><c>output = x / divisor</c>, a correctly rounded division.</summary>
    public static void Divide<TMath>(Index1D i, ArrayView<float> x, ArrayView<float> output, float divisor)
        where TMath : struct, IStrictMath =>
        output[i] = default(TMath).Div(x[i], divisor);

    /// <summary>
    /// TIES' trim with a threshold found on the host: keeps a magnitude pattern above <paramref name="threshold"/>, or
    /// equal to it at an index below <paramref name="keptEqualEnd"/>; writes +0 elsewhere.
    /// </summary>
    public static void KeepByMagnitude(Index1D i, ArrayView<float> values, uint threshold, int keptEqualEnd)
    {
        uint magnitude = (uint)BitConverter.SingleToInt32Bits(values[i]) & 0x7FFF_FFFFu;
        if (magnitude > threshold || (magnitude == threshold && i < keptEqualEnd))
        {
            return;
        }

        values[i] = 0f;
    }

    /// <summary>DARE's drop and rescale of one operand's differences: kept elements become <c>δ / scale</c>, dropped ones +0.</summary>
    public static void DropAndRescale<TMath>(Index1D i, ArrayView<float> deltas, DropParameters drop)
        where TMath : struct, IStrictMath
    {
        long j = drop.Start + i;
        ulong block = (ulong)j >> 2;
        uint word = PhiloxWord.Of((uint)block, (uint)(block >> 32), drop.Operand, 0, drop.Seed, drop.NameHash, (int)(j & 3));
        deltas[i] = (word >> 8) < drop.Limit ? default(TMath).Div(deltas[i], drop.Scale) : 0f;
    }

    /// <summary>
    /// TIES' sign election and disjoint mean (<see cref="Fast.Kernels.Methods.MethodKernels.SignElectedMean"/>'s scalar
    /// form): <c>s = ((0 + wd₀) + wd₁) + …</c>, + elected when <c>s ≥ 0</c>, the elected terms and their weights summed
    /// in operand order, divided with <paramref name="normalize"/> (divisor 0 → 1).
    /// </summary>
    public static void SignElectedMean<TMath>(Index1D i, ArrayView<float> packed, ArrayView<float> weights, ArrayView<float> output, int normalize)
        where TMath : struct, IStrictMath
    {
        var math = default(TMath);
        int models = weights.IntLength;
        long count = output.Length;
        float sum = 0f;
        for (int m = 0; m < models; m++)
        {
            sum = math.Add(sum, packed[(m * count) + i]);
        }

        bool positive = sum >= 0f;
        float acc = 0f, divisor = 0f;
        for (int m = 0; m < models; m++)
        {
            float v = packed[(m * count) + i];
            if (positive ? v > 0f : v < 0f)
            {
                acc = math.Add(acc, v);
                divisor = math.Add(divisor, weights[m]);
            }
        }

        output[i] = normalize != 0 ? math.Div(acc, divisor == 0f ? 1f : divisor) : acc;
    }

    /// <summary>slerp's combination: <c>f32(s0·a + s1·b)</c> computed in double and rounded once.</summary>
    public static void Combine<TMath>(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> output, double s0, double s1)
        where TMath : struct, IStrictMath
    {
        var math = default(TMath);
        output[i] = (float)math.Add(math.Mul(s0, a[i]), math.Mul(s1, b[i]));
    }

    /// <summary>
    /// model stock's combination: <c>f32(t·(Σ Mᵢ / N) + (1 − t)·base)</c> in double, the sum in model order from 0, with
    /// <paramref name="oneMinusT"/> = 1 − t computed on the host (the same double the CPU computes per element).
    /// </summary>
    public static void ModelStockCombine<TMath>(Index1D i, ArrayView<float> packed, ArrayView<float> baseValues, ArrayView<float> output, int models, double t, double oneMinusT)
        where TMath : struct, IStrictMath
    {
        var math = default(TMath);
        long count = output.Length;
        double sum = 0;
        for (int m = 0; m < models; m++)
        {
            sum = math.Add(sum, packed[(m * count) + i]);
        }

        output[i] = (float)math.Add(math.Mul(t, math.Div(sum, models)), math.Mul(oneMinusT, baseValues[i]));
    }
}
