using System.Runtime.Intrinsics;
using Fast.Kernels.Simd;

namespace Fast.Kernels.Merge.Operators;

/// <summary><c>((c0·x) + (c1·y)) + (c2·z)</c> left to right, every operation rounded: triple sum when α + β = 0.</summary>
internal readonly struct LinearTripleOperator(float c0, float c1, float c2) : ITernaryOperator
{
    private readonly float _c0 = c0;
    private readonly float _c1 = c1;
    private readonly float _c2 = c2;

    public float Invoke(float x, float y, float z) => ((_c0 * x) + (_c1 * y)) + (_c2 * z);

    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> y, Vector128<float> z) =>
        ((Vector128.Create(_c0) * x) + (Vector128.Create(_c1) * y)) + (Vector128.Create(_c2) * z);

    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> z) =>
        ((Vector256.Create(_c0) * x) + (Vector256.Create(_c1) * y)) + (Vector256.Create(_c2) * z);

    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> z) =>
        ((Vector512.Create(_c0) * x) + (Vector512.Create(_c1) * y)) + (Vector512.Create(_c2) * z);
}
