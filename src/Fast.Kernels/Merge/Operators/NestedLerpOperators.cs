using System.Runtime.Intrinsics;
using Fast.Kernels.Simd;

namespace Fast.Kernels.Merge.Operators;

/// <summary>Triple sum: <c>lerp(x, lerp(y, z, inner), outer)</c>, the inner result kept in binary32.</summary>
internal readonly struct TripleLerpOperator(float inner, float outer) : ITernaryOperator
{
    private readonly LerpOperator _inner = new(inner);
    private readonly LerpOperator _outer = new(outer);

    public float Invoke(float x, float y, float z) => _outer.Invoke(x, _inner.Invoke(y, z));

    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> y, Vector128<float> z) => _outer.Invoke(x, _inner.Invoke(y, z));

    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> z) => _outer.Invoke(x, _inner.Invoke(y, z));

    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> z) => _outer.Invoke(x, _inner.Invoke(y, z));
}

/// <summary>Sum twice: <c>lerp(lerp(x, y, first), z, second)</c>, the inner result kept in binary32.</summary>
internal readonly struct SumTwiceOperator(float first, float second) : ITernaryOperator
{
    private readonly LerpOperator _first = new(first);
    private readonly LerpOperator _second = new(second);

    public float Invoke(float x, float y, float z) => _second.Invoke(_first.Invoke(x, y), z);

    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> y, Vector128<float> z) => _second.Invoke(_first.Invoke(x, y), z);

    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> z) => _second.Invoke(_first.Invoke(x, y), z);

    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> z) => _second.Invoke(_first.Invoke(x, y), z);
}
