using System.Runtime.Intrinsics;
using Fast.Kernels.Simd;

namespace Fast.Kernels.Merge.Operators;

/// <summary><c>x − y</c>: the difference B − C of add difference.</summary>
internal readonly struct SubtractOperator : IBinaryOperator
{
    public float Invoke(float x, float y) => x - y;

    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> y) => x - y;

    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => x - y;

    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => x - y;
}
