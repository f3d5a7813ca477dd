using Fast.Kernels.Methods;

namespace Fast.Merging.Methods.Multi;

/// <summary>
/// <c>slerp</c> of two models (mergekit <c>merge_methods/slerp.py</c>): with both tensors flattened,
/// <c>dot = Σab / (‖a‖·‖b‖)</c> (a norm ≤ 1e-8 counts as 1, as mergekit leaves such a vector unnormalised); when
/// <c>|dot| &gt; 0.9995</c> the vectors are nearly colinear and the result is the lerp <c>(1−t)·a + t·b</c>, otherwise
/// <c>θ = acos(dot)</c>, <c>s₀ = sin(θ − tθ)/sin θ</c>, <c>s₁ = sin(tθ)/sin θ</c> and <c>s₀·a + s₁·b</c>. Reductions and
/// the combination run in double; each element is rounded to f32 once. The sums come from one streaming pass over the
/// tensor (<see cref="MethodKernels.AccumulateSquaresAndDot"/>, in index order), so they do not depend on how the
/// engine splits it.
/// </summary>
internal static class SlerpMethod
{
    private const double DotThreshold = 0.9995;
    private const double Epsilon = 1e-8;

    public static MethodTensorState Create(MethodParameters parameters, long elements, bool whole) => new State(parameters.T);

    /// <summary>The factors of a and b for interpolation factor <paramref name="t"/>.</summary>
    internal static (double S0, double S1) Factors(ReadOnlySpan<float> a, ReadOnlySpan<float> b, double t)
    {
        (double aa, double bb, double ab) = MethodKernels.SquaresAndDot(a, b);
        return Factors(aa, bb, ab, t);
    }

    /// <summary>The factors for interpolation factor <paramref name="t"/> from Σa², Σb² and Σab.</summary>
    internal static (double S0, double S1) Factors(double aa, double bb, double ab, double t)
    {
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

    private sealed class State(double t) : MethodTensorState
    {
        private readonly double[] _lanes = new double[12];
        private double _s0, _s1;

        public override int Passes => 1;

        public override void Observe(int pass, MethodOperands operands) =>
            MethodKernels.AccumulateSquaresAndDot(operands.Model(0), operands.Model(1), _lanes);

        public override void EndPass(int pass)
        {
            (double aa, double bb, double ab) = MethodKernels.SquaresAndDotOf(_lanes);
            (_s0, _s1) = Factors(aa, bb, ab, t);
        }

        public override void Evaluate(MethodOperands operands, Span<float> destination)
        {
            if (operands.Device is { } device)
            {
                device.Combine(operands.Model(0), _s0, operands.Model(1), _s1, destination);
                return;
            }

            MethodKernels.Combine(operands.Model(0), _s0, operands.Model(1), _s1, destination);
        }
    }
}
