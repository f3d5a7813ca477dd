using System.Runtime.Intrinsics;
using Fast.Kernels.Simd;

namespace Fast.Kernels.Merge.Operators;

/// <summary>
/// torch's CPU lerp: <c>d = end − start; |w| &lt; 0.5 ? fma(w, d, start) : fma(w − 1, d, end)</c>, one rounding per
/// fma. The branch depends only on the scalar weight, so it is decided once here.
/// </summary>
internal readonly struct LerpOperator : IBinaryOperator
{
    private readonly float _coefficient;
    private readonly bool _fromStart;

    public LerpOperator(float weight)
    {
        _fromStart = MathF.Abs(weight) < 0.5f;
        _coefficient = _fromStart ? weight : weight - 1f;
    }

    public float Invoke(float x, float y) => MathF.FusedMultiplyAdd(_coefficient, y - x, _fromStart ? x : y);

    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> y) =>
        Vector128.FusedMultiplyAdd(Vector128.Create(_coefficient), y - x, _fromStart ? x : y);

    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) =>
        Vector256.FusedMultiplyAdd(Vector256.Create(_coefficient), y - x, _fromStart ? x : y);

    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) =>
        Vector512.FusedMultiplyAdd(Vector512.Create(_coefficient), y - x, _fromStart ? x : y);
}
