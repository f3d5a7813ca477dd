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

/// <summary>
/// <c>x + round_T(y · factor)</c>: <see cref="AddScaledRoundedOperator{TRound}"/> without its final rounding, for a
/// destination of dtype T itself. Narrowing into T rounds to nearest even exactly as <c>round_T</c> does (overflow to
/// ∞ and a NaN's top payload bits alike), and the narrowing of a value already in T is exact, so the stored bits are
/// the same and one rounding per element is saved.
/// </summary>
internal readonly struct AddScaledNarrowedOperator<TRound>(float factor) : IBinaryOperator
    where TRound : IRoundTrip
{
    private readonly float _factor = factor;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x, float y) => x + TRound.Round(y * _factor);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> y) => x + TRound.Round(y * Vector128.Create(_factor));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => x + TRound.Round(y * Vector256.Create(_factor));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => x + TRound.Round(y * Vector512.Create(_factor));
}

/// <summary>
/// The old calc method's three-model sums of one dtype T in one pass: <c>first = round_T(round_T(x · factorX) +
/// round_T(y · factorY))</c>, scaled by <c>factorFirst</c> when <c>scaleFirst</c> (sum twice, stored in T), then
/// <c>round_T(first + round_T(z · factorZ))</c> (triple sum leaves the first sum unscaled): the rounded ops of
/// <see cref="MultiplyRoundedOperator{TRound}"/> and <see cref="AddRoundedOperator{TRound}"/> in their order, lane by lane.
/// </summary>
internal readonly struct ThreeTermsRoundedOperator<TRound>(float factorX, float factorY, bool scaleFirst, float factorFirst, float factorZ) : ITernaryOperator
    where TRound : IRoundTrip
{
    private readonly float _factorX = factorX;
    private readonly float _factorY = factorY;
    private readonly bool _scaleFirst = scaleFirst;
    private readonly float _factorFirst = factorFirst;
    private readonly float _factorZ = factorZ;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Invoke(float x, float y, float z)
    {
        float first = TRound.Round(TRound.Round(x * _factorX) + TRound.Round(y * _factorY));
        if (_scaleFirst)
        {
            first = TRound.Round(first * _factorFirst);
        }

        return TRound.Round(first + TRound.Round(z * _factorZ));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> y, Vector128<float> z)
    {
        Vector128<float> first = TRound.Round(TRound.Round(x * Vector128.Create(_factorX)) + TRound.Round(y * Vector128.Create(_factorY)));
        if (_scaleFirst)
        {
            first = TRound.Round(first * Vector128.Create(_factorFirst));
        }

        return TRound.Round(first + TRound.Round(z * Vector128.Create(_factorZ)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> z)
    {
        Vector256<float> first = TRound.Round(TRound.Round(x * Vector256.Create(_factorX)) + TRound.Round(y * Vector256.Create(_factorY)));
        if (_scaleFirst)
        {
            first = TRound.Round(first * Vector256.Create(_factorFirst));
        }

        return TRound.Round(first + TRound.Round(z * Vector256.Create(_factorZ)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> z)
    {
        Vector512<float> first = TRound.Round(TRound.Round(x * Vector512.Create(_factorX)) + TRound.Round(y * Vector512.Create(_factorY)));
        if (_scaleFirst)
        {
            first = TRound.Round(first * Vector512.Create(_factorFirst));
        }

        return TRound.Round(first + TRound.Round(z * Vector512.Create(_factorZ)));
    }
}
