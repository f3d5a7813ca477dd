using System.Runtime.Intrinsics;
using Fast.Kernels.Simd;

namespace Fast.Kernels.Merge.Operators;

/// <summary><c>(a·x) + (b·y)</c>: two products and a sum, each rounded, no fma.</summary>
internal readonly struct ScaledSumOperator(float factorX, float factorY) : IBinaryOperator
{
    private readonly float _factorX = factorX;
    private readonly float _factorY = factorY;

    public float Invoke(float x, float y) => (_factorX * x) + (_factorY * y);

    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> y) =>
        (Vector128.Create(_factorX) * x) + (Vector128.Create(_factorY) * y);

    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) =>
        (Vector256.Create(_factorX) * x) + (Vector256.Create(_factorY) * y);

    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) =>
        (Vector512.Create(_factorX) * x) + (Vector512.Create(_factorY) * y);
}
