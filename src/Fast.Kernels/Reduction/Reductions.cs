using System.Numerics;
using System.Runtime.InteropServices;

namespace Fast.Kernels;

/// <summary>
/// Double-accumulating reductions for the cosine and extract calcmodes and the equality check of
/// trainDifference. Sums use a fixed layout that does not depend on the SIMD width or on threads: element i of
/// a block of <see cref="BlockElements"/> goes to accumulator <c>i mod 16</c>, the 16 accumulators are added in
/// index order, and block sums are added in block order. Products of two binary32 values are exact in double.
/// </summary>
public static class Reductions
{
    /// <summary>Elements per block; a caller that splits a span across threads must split at multiples of this and add the partial sums in order.</summary>
    public const int BlockElements = 1 << 16;

    /// <summary>Accumulators per block; a device computing the same sums keeps one partial per block and lane and adds them as <see cref="Dot"/> does.</summary>
    public const int Lanes = 16;

    /// <summary>Σ x[i]·y[i] in double.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static double Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        Guard.SameLength(x.Length, y.Length, nameof(y));
        double total = 0;
        for (int start = 0; start < x.Length; start += BlockElements)
        {
            int len = Math.Min(BlockElements, x.Length - start);
            total += BlockDot(x.Slice(start, len), y.Slice(start, len));
        }

        return total;
    }

    /// <summary>Σ x[i]² in double.</summary>
    public static double SumOfSquares(ReadOnlySpan<float> x) => Dot(x, x);

    /// <summary>
    /// True when every x[i] == y[i] under IEEE comparison (NaN equals nothing, +0 equals −0), i.e. torch's
    /// <c>allclose(x, y, rtol=0, atol=0)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static bool AllEqual(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        Guard.SameLength(x.Length, y.Length, nameof(y));
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ReadOnlySpan<Vector<float>> xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            ReadOnlySpan<Vector<float>> yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            for (int v = 0; v < xv.Length; v++)
            {
                if (!Vector.EqualsAll(xv[v], yv[v]))
                {
                    return false;
                }
            }

            i = xv.Length * Vector<float>.Count;
        }

        for (; i < x.Length; i++)
        {
            if (x[i] != y[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><see cref="AllEqual(ReadOnlySpan{float}, ReadOnlySpan{float})"/> on stored tensors, comparing the widened binary32 values.</summary>
    public static bool AllEqual(ReadOnlySpan<byte> x, ElementType xType, ReadOnlySpan<byte> y, ElementType yType)
    {
        int n = Guard.ElementCount(x, xType, nameof(x));
        Guard.SameLength(n, Guard.ElementCount(y, yType, nameof(y)), nameof(y));
        Span<float> xBuffer = stackalloc float[Simd.StoredDriver.BlockElements];
        Span<float> yBuffer = stackalloc float[Simd.StoredDriver.BlockElements];
        for (int start = 0; start < n; start += Simd.StoredDriver.BlockElements)
        {
            int len = Math.Min(Simd.StoredDriver.BlockElements, n - start);
            if (!AllEqual(Simd.StoredDriver.Input(x, xType, start, len, xBuffer), Simd.StoredDriver.Input(y, yType, start, len, yBuffer)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// For a row-major [rows, columns] pair, per column j: Σ_i x[i,j]·y[i,j], Σ_i x[i,j]², Σ_i y[i,j]², rows added
    /// in order (torch's reductions over dim 0 of a tensor viewed as [shape[0], rest]).
    /// </summary>
    /// <exception cref="ArgumentException">A span's length does not match <paramref name="rows"/>·<paramref name="columns"/> or <paramref name="columns"/>.</exception>
    public static void ColumnSums(ReadOnlySpan<float> x, ReadOnlySpan<float> y, int rows, int columns, Span<double> dot, Span<double> xx, Span<double> yy)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        Guard.SameLength(checked(rows * columns), x.Length, nameof(x));
        Guard.SameLength(x.Length, y.Length, nameof(y));
        Guard.SameLength(columns, dot.Length, nameof(dot));
        Guard.SameLength(columns, xx.Length, nameof(xx));
        Guard.SameLength(columns, yy.Length, nameof(yy));
        dot.Clear();
        xx.Clear();
        yy.Clear();
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> xr = x.Slice(r * columns, columns);
            ReadOnlySpan<float> yr = y.Slice(r * columns, columns);
            for (int j = 0; j < columns; j++)
            {
                // Elementwise double arithmetic: the JIT's auto-vectorisation (or not) cannot change the result.
                double a = xr[j];
                double b = yr[j];
                dot[j] += a * b;
                xx[j] += a * a;
                yy[j] += b * b;
            }
        }
    }

    /// <summary>For a row-major [rows, columns] pair, per row: dot, Σx², Σy² with the fixed layout of <see cref="Dot"/> (torch's dim −1).</summary>
    public static void RowSums(ReadOnlySpan<float> x, ReadOnlySpan<float> y, int rows, int columns, Span<double> dot, Span<double> xx, Span<double> yy)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        Guard.SameLength(checked(rows * columns), x.Length, nameof(x));
        Guard.SameLength(x.Length, y.Length, nameof(y));
        Guard.SameLength(rows, dot.Length, nameof(dot));
        Guard.SameLength(rows, xx.Length, nameof(xx));
        Guard.SameLength(rows, yy.Length, nameof(yy));
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> xr = x.Slice(r * columns, columns);
            ReadOnlySpan<float> yr = y.Slice(r * columns, columns);
            dot[r] = Dot(xr, yr);
            xx[r] = Dot(xr, xr);
            yy[r] = Dot(yr, yr);
        }
    }

    /// <summary>torch's cosine similarity from its sums: <c>dot / sqrt(max(xx·yy, eps²))</c> with eps = 1e-8.</summary>
    public static double CosineFromSums(double dot, double xx, double yy)
    {
        const double Eps = 1e-8;
        return dot / Math.Sqrt(Math.Max(xx * yy, Eps * Eps));
    }

    private static double BlockDot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        Span<double> lanes = stackalloc double[Lanes];
        lanes.Clear();
        int i = 0;
        int whole = x.Length - (x.Length % Lanes);
        if (Vector.IsHardwareAccelerated && Vector<float>.Count <= Lanes && Lanes % Vector<float>.Count == 0)
        {
            // Vector<double> k of a 16-element group holds lanes [k·Count, (k+1)·Count): the same lane an element
            // gets in the scalar loop, so every lane sees the same additions in the same order at every width.
            int perGroup = Lanes / Vector<double>.Count;
            Span<Vector<double>> acc = stackalloc Vector<double>[perGroup];
            acc.Clear();
            ReadOnlySpan<Vector<float>> xv = MemoryMarshal.Cast<float, Vector<float>>(x[..whole]);
            ReadOnlySpan<Vector<float>> yv = MemoryMarshal.Cast<float, Vector<float>>(y[..whole]);
            int k = 0;
            for (int v = 0; v < xv.Length; v++)
            {
                Vector.Widen(xv[v], out Vector<double> xLo, out Vector<double> xHi);
                Vector.Widen(yv[v], out Vector<double> yLo, out Vector<double> yHi);
                acc[k] += xLo * yLo;
                acc[k + 1] += xHi * yHi;
                k += 2;
                if (k == perGroup)
                {
                    k = 0;
                }
            }

            MemoryMarshal.Cast<Vector<double>, double>(acc).CopyTo(lanes);
            i = whole;
        }

        for (; i < x.Length; i++)
        {
            lanes[i % Lanes] += (double)x[i] * y[i];
        }

        double sum = 0;
        foreach (double lane in lanes)
        {
            sum += lane;
        }

        return sum;
    }
}
