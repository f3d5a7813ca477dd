using System.Runtime.Intrinsics;
using Fast.Kernels.Simd;

namespace Fast.Kernels.Merge.Operators;

/// <summary>
/// <c>round_T(x · factor)</c>: a tensor of dtype T times a scalar already stored in T, as one torch op stores it
/// (y is not read; the operator is run in place over one block).
/// </summary>
internal readonly struct MultiplyRoundedOperator<TRound>(float factor) : IBinaryOperator
    where TRound : IRoundTrip
{
    private readonly float _factor = factor;

    public float Invoke(float x, float y) => TRound.Round(x * _factor);

    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> y) => TRound.Round(x * Vector128.Create(_factor));

    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => TRound.Round(x * Vector256.Create(_factor));

    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => TRound.Round(x * Vector512.Create(_factor));
}

/// <summary><c>round_T(x + y)</c>: the sum of two tensors stored in their promoted dtype T.</summary>
internal readonly struct AddRoundedOperator<TRound> : IBinaryOperator
    where TRound : IRoundTrip
{
    public float Invoke(float x, float y) => TRound.Round(x + y);

    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> y) => TRound.Round(x + y);

    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => TRound.Round(x + y);

    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => TRound.Round(x + y);
}
