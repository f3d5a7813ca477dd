using Fast.Kernels.Methods;

namespace Fast.Merging.Methods.Multi;

/// <summary>
/// <c>slerp</c> of two models (mergekit <c>merge_methods/slerp.py</c>): with both tensors flattened,
/// <c>dot = Σab / (‖a‖·‖b‖)</c> (a norm ≤ 1e-8 counts as 1, as mergekit leaves such a vector unnormalised); when
/// <c>|dot| &gt; 0.9995</c> the vectors are nearly colinear and the result is the lerp <c>(1−t)·a + t·b</c>, otherwise
/// <c>θ = acos(dot)</c>, <c>s₀ = sin(θ − tθ)/sin θ</c>, <c>s₁ = sin(tθ)/sin θ</c> and <c>s₀·a + s₁·b</c>. Reductions and
/// the combination run in double; each element is rounded to f32 once.
/// </summary>
internal static class SlerpMethod
{
    private const double DotThreshold = 0.9995;
    private const double Epsilon = 1e-8;

    public static void Run(MethodOperands operands, MethodParameters parameters, Span<float> destination)
    {
        ReadOnlySpan<float> a = operands.Model(0), b = operands.Model(1);
        (double s0, double s1) = Factors(a, b, parameters.T);
        MethodKernels.Combine(a, s0, b, s1, destination);
    }

    /// <summary>The factors of a and b for interpolation factor <paramref name="t"/>.</summary>
    internal static (double S0, double S1) Factors(ReadOnlySpan<float> a, ReadOnlySpan<float> b, double t)
    {
        (double aa, double bb, double ab) = MethodKernels.SquaresAndDot(a, b);
        double na = Math.Sqrt(aa), nb = Math.Sqrt(bb);
        double dot = ab / ((na > Epsilon ? na : 1) * (nb > Epsilon ? nb : 1));
        if (Math.Abs(dot) > DotThreshold)
        {
            return (1 - t, t);
        }

        double theta = Math.Acos(dot);
        double sinTheta = Math.Sin(theta);
        double thetaT = theta * t;
        return (Math.Sin(theta - thetaT) / sinTheta, Math.Sin(thetaT) / sinTheta);
    }
}
