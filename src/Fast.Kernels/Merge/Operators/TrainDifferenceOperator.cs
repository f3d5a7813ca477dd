using System.Runtime.Intrinsics;
using Fast.Kernels.Simd;

namespace Fast.Kernels.Merge.Operators;

/// <summary>
/// trainDifference (SPEC §4) for x = A, y = B, z = C, in the reference's order:
/// <c>dBC = B − C; dist0 = |B − C|; dist1 = |B − A|; sum = dist0 + dist1; scale = sum ≠ 0 ? dist1/sum : 0;
/// scale = sign(B − C)·|scale|; new = scale·|dBC|; A + new·k</c>. torch.sign gives +0 for NaN and ±0.
/// </summary>
internal readonly struct TrainDifferenceOperator(float k) : ITernaryOperator
{
    private readonly float _k = k;

    public float Invoke(float x, float y, float z)
    {
        float dBC = y - z;
        float dist0 = MathF.Abs(y - z);
        float dist1 = MathF.Abs(y - x);
        float sum = dist0 + dist1;
        float scale = sum != 0f ? dist1 / sum : 0f;
        float sign = (dBC > 0f ? 1f : 0f) - (dBC < 0f ? 1f : 0f);
        scale = sign * MathF.Abs(scale);
        float change = scale * MathF.Abs(dBC);
        return x + (change * _k);
    }

    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> y, Vector128<float> z)
    {
        Vector128<float> dBC = y - z;
        Vector128<float> dist0 = Vector128.Abs(y - z);
        Vector128<float> dist1 = Vector128.Abs(y - x);
        Vector128<float> sum = dist0 + dist1;
        Vector128<float> scale = Vector128.ConditionalSelect(Vector128.Equals(sum, Vector128<float>.Zero), Vector128<float>.Zero, dist1 / sum);
        Vector128<float> one = Vector128<float>.One;
        Vector128<float> sign = (Vector128.GreaterThan(dBC, Vector128<float>.Zero) & one) - (Vector128.LessThan(dBC, Vector128<float>.Zero) & one);
        scale = sign * Vector128.Abs(scale);
        Vector128<float> change = scale * Vector128.Abs(dBC);
        return x + (change * Vector128.Create(_k));
    }

    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> z)
    {
        Vector256<float> dBC = y - z;
        Vector256<float> dist0 = Vector256.Abs(y - z);
        Vector256<float> dist1 = Vector256.Abs(y - x);
        Vector256<float> sum = dist0 + dist1;
        Vector256<float> scale = Vector256.ConditionalSelect(Vector256.Equals(sum, Vector256<float>.Zero), Vector256<float>.Zero, dist1 / sum);
        Vector256<float> one = Vector256<float>.One;
        Vector256<float> sign = (Vector256.GreaterThan(dBC, Vector256<float>.Zero) & one) - (Vector256.LessThan(dBC, Vector256<float>.Zero) & one);
        scale = sign * Vector256.Abs(scale);
        Vector256<float> change = scale * Vector256.Abs(dBC);
        return x + (change * Vector256.Create(_k));
    }

    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> z)
    {
        Vector512<float> dBC = y - z;
        Vector512<float> dist0 = Vector512.Abs(y - z);
        Vector512<float> dist1 = Vector512.Abs(y - x);
        Vector512<float> sum = dist0 + dist1;
        Vector512<float> scale = Vector512.ConditionalSelect(Vector512.Equals(sum, Vector512<float>.Zero), Vector512<float>.Zero, dist1 / sum);
        Vector512<float> one = Vector512<float>.One;
        Vector512<float> sign = (Vector512.GreaterThan(dBC, Vector512<float>.Zero) & one) - (Vector512.LessThan(dBC, Vector512<float>.Zero) & one);
        scale = sign * Vector512.Abs(scale);
        Vector512<float> change = scale * Vector512.Abs(dBC);
        return x + (change * Vector512.Create(_k));
    }
}
