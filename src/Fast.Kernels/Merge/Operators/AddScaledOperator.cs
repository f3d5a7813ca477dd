using System.Runtime.Intrinsics;
using Fast.Kernels.Simd;

namespace Fast.Kernels.Merge.Operators;

/// <summary><c>x + (α·y)</c> as two rounded operations (torch's <c>A + α * D</c>), deliberately not an fma.</summary>
internal readonly struct AddScaledOperator(float alpha) : IBinaryOperator
{
    private readonly float _alpha = alpha;

    public float Invoke(float x, float y) => x + (_alpha * y);

    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> y) => x + (Vector128.Create(_alpha) * y);

    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => x + (Vector256.Create(_alpha) * y);

    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => x + (Vector512.Create(_alpha) * y);
}
