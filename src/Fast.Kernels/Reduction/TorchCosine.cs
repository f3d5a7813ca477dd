using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Fast.Kernels;

/// <summary>
/// torch 1.13's <c>torch.nn.functional.cosine_similarity(x, y, dim=-1)</c> (eps = 1e-8) of one f32 row pair, bit for
/// bit. The installed torch (Debian's 1.13.1) computes, per row, <c>sx = sqrt(max(sum(x·x), f32(eps²)))</c>, the same
/// for y, then <c>sum((x / sx) · (y / sy))</c>: every product, quotient and square root rounded to f32, and both sums
/// torch's f32 cascade (<see cref="TorchRowSum"/>). Later torch versions divide by <c>max(linalg_vector_norm(x), eps)</c>
/// instead (what this engine followed before); that formula misses the installed reference on about a third of
/// random rows, this one matches every row of native-compat/reference/golden_extract.py.
/// </summary>
public static class TorchCosine
{
    /// <summary>torch clamps the squared norms at <c>eps * eps</c>, computed in double and then used as an f32 scalar.</summary>
    private const float SquaredEpsilon = (float)(1e-8 * 1e-8);

    /// <summary>The cosine similarity of <paramref name="x"/> and <paramref name="y"/> as torch computes it (not clamped to [−1, 1]).</summary>
    /// <exception cref="ArgumentException">The rows differ in length.</exception>
    public static float Similarity(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        Guard.SameLength(x.Length, y.Length, nameof(y));
        float sx = MathF.Sqrt(Math.Max(TorchRowSum.Sum(new Squares(x)), SquaredEpsilon));
        float sy = MathF.Sqrt(Math.Max(TorchRowSum.Sum(new Squares(y)), SquaredEpsilon));
        return TorchRowSum.Sum(new NormalizedProducts(x, sx, y, sy));
    }

    /// <summary>torch's <c>pow(x, 2)</c>: each square rounded to f32.</summary>
    private readonly ref struct Squares(ReadOnlySpan<float> row) : IRowTerms
    {
        private readonly ReadOnlySpan<float> _row = row;

        public int Length => _row.Length;

        public float Scalar(int index) => _row[index] * _row[index];

        public Vector256<float> Vector(int index)
        {
            Vector256<float> v = Load(_row, index);
            return v * v;
        }
    }

    /// <summary>torch's <c>(x / sx) * (y / sy)</c>: two quotients and their product, each rounded to f32.</summary>
    private readonly ref struct NormalizedProducts(ReadOnlySpan<float> x, float sx, ReadOnlySpan<float> y, float sy) : IRowTerms
    {
        private readonly ReadOnlySpan<float> _x = x;
        private readonly ReadOnlySpan<float> _y = y;
        private readonly float _sx = sx;
        private readonly float _sy = sy;

        public int Length => _x.Length;

        public float Scalar(int index) => (_x[index] / _sx) * (_y[index] / _sy);

        public Vector256<float> Vector(int index) =>
            (Load(_x, index) / Vector256.Create(_sx)) * (Load(_y, index) / Vector256.Create(_sy));
    }

    private static Vector256<float> Load(ReadOnlySpan<float> row, int index) =>
        Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(row.Slice(index, TorchRowSum.Lanes)));
}
