using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Fast.Kernels.Conversion;
using Fast.Kernels.Merge.Operators;

namespace Fast.Kernels;

/// <summary>
/// Plus random's sum <c>A + noise · α</c> for an F16 A and destination, 16 elements at a time with the noise already
/// in registers: the operator and conversions of <see cref="DtypeStepKernels.AddScaled(ReadOnlySpan{byte}, ElementType, ReadOnlySpan{float}, double, Span{byte}, ElementType)"/>
/// (the product stored in F16, then the sum), so the noise drawer can add each Box–Muller block as it makes it rather
/// than store the block and pass over it again with a widening and a narrowing loop of its own.
/// </summary>
public static class HalfNoiseSum
{
    /// <summary>α as the F16 op uses it (a Python float stored in the tensor's dtype).</summary>
    public static float StoredFactor(double factor) => DtypeStepKernels.StoredScalar(factor, ElementType.F16);

    /// <summary>
    /// The 16 F16 results for the 16 halves of <paramref name="a"/>: elements 0–7 with <paramref name="noiseLow"/>, 8–15
    /// with <paramref name="noiseHigh"/> (noise values are F16 values widened; <paramref name="storedFactor"/> from
    /// <see cref="StoredFactor"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ushort> AddScaled(Vector256<ushort> a, Vector256<float> noiseLow, Vector256<float> noiseHigh, float storedFactor)
    {
        var op = new AddScaledRoundedOperator<F16RoundTrip>(storedFactor);
        Vector256<float> low = op.Invoke(HalfLanes.F16ToSingle(Vector256.WidenLower(a)), noiseLow);
        Vector256<float> high = op.Invoke(HalfLanes.F16ToSingle(Vector256.WidenUpper(a)), noiseHigh);
        return Vector256.Narrow(HalfLanes.SingleToF16(low), HalfLanes.SingleToF16(high));
    }
}
