using System.Runtime.CompilerServices;
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

/// <summary>
/// <c>round_T(round_T(x · factorX) + round_T(y · factorY))</c>: the old calc method's weighted sum of two tensors of one
/// dtype T (each product stored in T, their sum too) in one pass, the same three rounded ops lane by lane as
/// <see cref="MultiplyRoundedOperator{TRound}"/> twice and <see cref="AddRoundedOperator{TRound}"/>. Inlined on purpose:
/// three roundings exceed the JIT's budget, and a call per vector costs more than the rounding.
/// </summary>
internal readonly struct WeightedSumRoundedOperator<TRound>(float factorX, float factorY) : IBinaryOperator
    where TRound : IRoundTrip
{
    private readonly float _factorX = factorX;
    private readonly float _factorY = factorY;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x, float y) => TRound.Round(TRound.Round(x * _factorX) + TRound.Round(y * _factorY));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> y) =>
        TRound.Round(TRound.Round(x * Vector128.Create(_factorX)) + TRound.Round(y * Vector128.Create(_factorY)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) =>
        TRound.Round(TRound.Round(x * Vector256.Create(_factorX)) + TRound.Round(y * Vector256.Create(_factorY)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) =>
        TRound.Round(TRound.Round(x * Vector512.Create(_factorX)) + TRound.Round(y * Vector512.Create(_factorY)));
}

/// <summary>
/// <c>round_T(x + round_T(y · factor))</c>: plus random's <c>A + randn_like(A) · α</c> in A's dtype T in one pass (the
/// noise product stored in T, then the sum), as <see cref="MultiplyRoundedOperator{TRound}"/> then
/// <see cref="AddRoundedOperator{TRound}"/>.
/// </summary>
internal readonly struct AddScaledRoundedOperator<TRound>(float factor) : IBinaryOperator
    where TRound : IRoundTrip
{
    private readonly float _factor = factor;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x, float y) => TRound.Round(x + TRound.Round(y * _factor));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> y) => TRound.Round(x + TRound.Round(y * Vector128.Create(_factor)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => TRound.Round(x + TRound.Round(y * Vector256.Create(_factor)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => TRound.Round(x + TRound.Round(y * Vector512.Create(_factor)));
}
