using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Fast.Kernels;

/// <summary>
/// One row of the terms torch 1.13's <c>cosine_similarity(x, y, dim=0)</c> sums over dim 0, computed where the column
/// sums read them (<see cref="TorchColumnSumAccumulator.AddSquaresRow(ReadOnlySpan{float})"/>,
/// <see cref="TorchColumnSumAccumulator.AddNormalizedProductsRow(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float})"/>), so the cosine sweeps need no row of terms
/// written and read back. Each term is torch's f32 element op, in a vector lane or a scalar alike.
/// </summary>
internal static class ColumnCosineTerms
{
    /// <summary>torch's <c>pow(x, 2)</c>: each square rounded to f32.</summary>
    public readonly ref struct Squares(ReadOnlySpan<float> row) : IRowTerms
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

    /// <summary>cosineA's squares of the normalised row: <c>q = x / d</c> (normalize's f32 quotient), then <c>q · q</c>.</summary>
    public readonly ref struct DividedSquares(ReadOnlySpan<float> row, ReadOnlySpan<float> divisors) : IRowTerms
    {
        private readonly ReadOnlySpan<float> _row = row;
        private readonly ReadOnlySpan<float> _divisors = divisors;

        public int Length => _row.Length;

        public float Scalar(int index)
        {
            float q = _row[index] / _divisors[index];
            return q * q;
        }

        public Vector256<float> Vector(int index)
        {
            Vector256<float> q = Load(_row, index) / Load(_divisors, index);
            return q * q;
        }
    }

    /// <summary>torch's <c>(x / sx) * (y / sy)</c> with sx and sy per column: two quotients and their product, each rounded to f32.</summary>
    public readonly ref struct NormalizedProducts(ReadOnlySpan<float> x, ReadOnlySpan<float> sx, ReadOnlySpan<float> y, ReadOnlySpan<float> sy) : IRowTerms
    {
        private readonly ReadOnlySpan<float> _x = x;
        private readonly ReadOnlySpan<float> _sx = sx;
        private readonly ReadOnlySpan<float> _y = y;
        private readonly ReadOnlySpan<float> _sy = sy;

        public int Length => _x.Length;

        public float Scalar(int index) => (_x[index] / _sx[index]) * (_y[index] / _sy[index]);

        public Vector256<float> Vector(int index) =>
            (Load(_x, index) / Load(_sx, index)) * (Load(_y, index) / Load(_sy, index));
    }

    private static Vector256<float> Load(ReadOnlySpan<float> row, int index) =>
        Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(row.Slice(index, Vector256<float>.Count)));
}
