using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Fast.Kernels.Filters;

/// <summary>
/// One Gaussian pass along one axis of a contiguous buffer. An outer axis is filtered with lanes across the
/// contiguous inner elements (nine whole rows in, one row out); the contiguous axis itself is filtered line
/// by line from a reflected double copy of the line. Both evaluate <see cref="GaussianTaps.Apply"/> exactly.
/// </summary>
internal static unsafe class GaussianPasses
{
    public static void Run(float* input, float* output, int[] dims, int axis, int maxDegreeOfParallelism)
    {
        int outer = 1;
        for (int a = 0; a < axis; a++)
        {
            outer *= dims[a];
        }

        int length = dims[axis];
        int inner = 1;
        for (int a = axis + 1; a < dims.Length; a++)
        {
            inner *= dims[a];
        }

        long total = (long)outer * length * inner;
        nint inAddress = (nint)input;
        nint outAddress = (nint)output;
        if (inner == 1)
        {
            FilterParallel.ForRanges(outer, total, maxDegreeOfParallelism, (start, end) =>
                FilterLines((float*)inAddress, (float*)outAddress, length, start, end));
        }
        else
        {
            FilterParallel.ForRanges(outer * length, total, maxDegreeOfParallelism, (start, end) =>
                FilterRowsAcross((float*)inAddress, (float*)outAddress, length, inner, start, end));
        }
    }

    /// <summary>
    /// Both passes of a row-major matrix in one sweep: each output row is the axis-0 pass of its nine reflected
    /// input rows, stored to binary32 in a one-row buffer, then the axis-1 pass of that row. The arithmetic and
    /// the rounding between the passes are those of two separate passes; no intermediate matrix goes out to
    /// memory and back.
    /// </summary>
    public static void RunMatrix(float* input, float* output, int rows, int columns, int maxDegreeOfParallelism)
    {
        nint inAddress = (nint)input;
        nint outAddress = (nint)output;
        FilterParallel.ForRanges(rows, (long)rows * columns, maxDegreeOfParallelism, (start, end) =>
            FilterMatrixRows((float*)inAddress, (float*)outAddress, rows, columns, start, end));
    }

    private static void FilterMatrixRows(float* input, float* output, int rows, int columns, int start, int end)
    {
        float[] rowArray = ArrayPool<float>.Shared.Rent(columns);
        double[] lineArray = ArrayPool<double>.Shared.Rent(columns + (2 * GaussianTaps.Radius));
        fixed (float* row = rowArray)
        fixed (double* line = lineArray)
        {
            for (int r = start; r < end; r++)
            {
                // FilterRowsAcross writes row r at output + r·columns; shifting the base lands it in the buffer.
                FilterRowsAcross(input, row - ((nint)r * columns), rows, columns, r, r + 1);
                FilterLine(row, output + ((nint)r * columns), columns, line);
            }
        }

        ArrayPool<double>.Shared.Return(lineArray);
        ArrayPool<float>.Shared.Return(rowArray);
    }

    /// <summary>Rows (o, i) in [start, end): output row = taps over the nine reflected rows of the same block.</summary>
    private static void FilterRowsAcross(float* input, float* output, int length, int inner, int start, int end)
    {
        var w0 = Vector256.Create(GaussianTaps.W0);
        var w1 = Vector256.Create(GaussianTaps.W1);
        var w2 = Vector256.Create(GaussianTaps.W2);
        var w3 = Vector256.Create(GaussianTaps.W3);
        var w4 = Vector256.Create(GaussianTaps.W4);
        for (int r = start; r < end; r++)
        {
            int o = r / length;
            int i = r - (o * length);
            float* block = input + ((nint)o * length * inner);
            float* c = block + ((nint)i * inner);
            float* m1 = block + ((nint)FilterShape.Reflect(i - 1, length) * inner);
            float* p1 = block + ((nint)FilterShape.Reflect(i + 1, length) * inner);
            float* m2 = block + ((nint)FilterShape.Reflect(i - 2, length) * inner);
            float* p2 = block + ((nint)FilterShape.Reflect(i + 2, length) * inner);
            float* m3 = block + ((nint)FilterShape.Reflect(i - 3, length) * inner);
            float* p3 = block + ((nint)FilterShape.Reflect(i + 3, length) * inner);
            float* m4 = block + ((nint)FilterShape.Reflect(i - 4, length) * inner);
            float* p4 = block + ((nint)FilterShape.Reflect(i + 4, length) * inner);
            float* target = output + ((nint)r * inner);
            int k = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                k = AcrossRows512(c, m1, p1, m2, p2, m3, p3, m4, p4, target, inner);
            }

            for (; k <= inner - Vector256<float>.Count; k += Vector256<float>.Count)
            {
                var (cLo, cHi) = Vector256.Widen(Vector256.Load(c + k));
                var (m4Lo, m4Hi) = Vector256.Widen(Vector256.Load(m4 + k));
                var (p4Lo, p4Hi) = Vector256.Widen(Vector256.Load(p4 + k));
                var (m3Lo, m3Hi) = Vector256.Widen(Vector256.Load(m3 + k));
                var (p3Lo, p3Hi) = Vector256.Widen(Vector256.Load(p3 + k));
                var (m2Lo, m2Hi) = Vector256.Widen(Vector256.Load(m2 + k));
                var (p2Lo, p2Hi) = Vector256.Widen(Vector256.Load(p2 + k));
                var (m1Lo, m1Hi) = Vector256.Widen(Vector256.Load(m1 + k));
                var (p1Lo, p1Hi) = Vector256.Widen(Vector256.Load(p1 + k));
                var lo = cLo * w0;
                var hi = cHi * w0;
                lo += (m4Lo + p4Lo) * w4;
                hi += (m4Hi + p4Hi) * w4;
                lo += (m3Lo + p3Lo) * w3;
                hi += (m3Hi + p3Hi) * w3;
                lo += (m2Lo + p2Lo) * w2;
                hi += (m2Hi + p2Hi) * w2;
                lo += (m1Lo + p1Lo) * w1;
                hi += (m1Hi + p1Hi) * w1;
                Vector256.Narrow(lo, hi).Store(target + k);
            }

            for (; k < inner; k++)
            {
                target[k] = GaussianTaps.Apply(c[k], m1[k], p1[k], m2[k], p2[k], m3[k], p3[k], m4[k], p4[k]);
            }
        }
    }

    /// <summary>The first elements of one output row in 16-lane steps, as <see cref="FilterRowsAcross"/> does in 8; returns where it stopped.</summary>
    private static int AcrossRows512(float* c, float* m1, float* p1, float* m2, float* p2, float* m3, float* p3, float* m4, float* p4, float* target, int inner)
    {
        var w0 = Vector512.Create(GaussianTaps.W0);
        var w1 = Vector512.Create(GaussianTaps.W1);
        var w2 = Vector512.Create(GaussianTaps.W2);
        var w3 = Vector512.Create(GaussianTaps.W3);
        var w4 = Vector512.Create(GaussianTaps.W4);
        int k = 0;
        for (; k <= inner - Vector512<float>.Count; k += Vector512<float>.Count)
        {
            var (cLo, cHi) = Vector512.Widen(Vector512.Load(c + k));
            var (m4Lo, m4Hi) = Vector512.Widen(Vector512.Load(m4 + k));
            var (p4Lo, p4Hi) = Vector512.Widen(Vector512.Load(p4 + k));
            var (m3Lo, m3Hi) = Vector512.Widen(Vector512.Load(m3 + k));
            var (p3Lo, p3Hi) = Vector512.Widen(Vector512.Load(p3 + k));
            var (m2Lo, m2Hi) = Vector512.Widen(Vector512.Load(m2 + k));
            var (p2Lo, p2Hi) = Vector512.Widen(Vector512.Load(p2 + k));
            var (m1Lo, m1Hi) = Vector512.Widen(Vector512.Load(m1 + k));
            var (p1Lo, p1Hi) = Vector512.Widen(Vector512.Load(p1 + k));
            var lo = cLo * w0;
            var hi = cHi * w0;
            lo += (m4Lo + p4Lo) * w4;
            hi += (m4Hi + p4Hi) * w4;
            lo += (m3Lo + p3Lo) * w3;
            hi += (m3Hi + p3Hi) * w3;
            lo += (m2Lo + p2Lo) * w2;
            hi += (m2Hi + p2Hi) * w2;
            lo += (m1Lo + p1Lo) * w1;
            hi += (m1Hi + p1Hi) * w1;
            Vector512.Narrow(lo, hi).Store(target + k);
        }

        return k;
    }

    /// <summary>Contiguous lines [start, end): each is copied to doubles with four reflected values per side.</summary>
    private static void FilterLines(float* input, float* output, int length, int start, int end)
    {
        double[] lineArray = ArrayPool<double>.Shared.Rent(length + (2 * GaussianTaps.Radius));
        fixed (double* line = lineArray)
        {
            for (int r = start; r < end; r++)
            {
                FilterLine(input + ((nint)r * length), output + ((nint)r * length), length, line);
            }
        }

        ArrayPool<double>.Shared.Return(lineArray);
    }

    /// <summary>
    /// One contiguous line of <paramref name="length"/> values through <paramref name="line"/>, scratch for
    /// <c>length + 8</c> doubles: the values widened once, with the four reflected values on each side.
    /// </summary>
    public static void FilterLine(float* source, float* target, int length, double* line)
    {
        const int R = GaussianTaps.Radius;
        for (int k = 0; k < R; k++)
        {
            line[k] = source[FilterShape.Reflect(k - R, length)];
            line[length + R + k] = source[FilterShape.Reflect(length + k, length)];
        }

        int i = 0;
        for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            var (lo, hi) = Vector256.Widen(Vector256.Load(source + i));
            lo.Store(line + R + i);
            hi.Store(line + R + i + Vector256<double>.Count);
        }

        for (; i < length; i++)
        {
            line[R + i] = source[i];
        }

        i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var v0 = Vector512.Create(GaussianTaps.W0);
            var v1 = Vector512.Create(GaussianTaps.W1);
            var v2 = Vector512.Create(GaussianTaps.W2);
            var v3 = Vector512.Create(GaussianTaps.W3);
            var v4 = Vector512.Create(GaussianTaps.W4);
            for (; i <= length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512.Narrow(Taps(line + i, v0, v1, v2, v3, v4), Taps(line + i + Vector512<double>.Count, v0, v1, v2, v3, v4)).Store(target + i);
            }
        }

        var w0 = Vector256.Create(GaussianTaps.W0);
        var w1 = Vector256.Create(GaussianTaps.W1);
        var w2 = Vector256.Create(GaussianTaps.W2);
        var w3 = Vector256.Create(GaussianTaps.W3);
        var w4 = Vector256.Create(GaussianTaps.W4);
        for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            Vector256.Narrow(Taps(line + i, w0, w1, w2, w3, w4), Taps(line + i + Vector256<double>.Count, w0, w1, w2, w3, w4)).Store(target + i);
        }

        for (; i < length; i++)
        {
            double* at = line + i + R;
            target[i] = GaussianTaps.Apply(at[0], at[-1], at[1], at[-2], at[2], at[-3], at[3], at[-4], at[4]);
        }
    }

    /// <summary>Eight outputs whose windows start at <paramref name="window"/> (the value at distance −4).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Taps(double* window, Vector512<double> w0, Vector512<double> w1, Vector512<double> w2, Vector512<double> w3, Vector512<double> w4)
    {
        var t = Vector512.Load(window + 4) * w0;
        t += (Vector512.Load(window) + Vector512.Load(window + 8)) * w4;
        t += (Vector512.Load(window + 1) + Vector512.Load(window + 7)) * w3;
        t += (Vector512.Load(window + 2) + Vector512.Load(window + 6)) * w2;
        t += (Vector512.Load(window + 3) + Vector512.Load(window + 5)) * w1;
        return t;
    }

    /// <summary>Four outputs whose windows start at <paramref name="window"/> (the value at distance −4).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Taps(double* window, Vector256<double> w0, Vector256<double> w1, Vector256<double> w2, Vector256<double> w3, Vector256<double> w4)
    {
        var t = Vector256.Load(window + 4) * w0;
        t += (Vector256.Load(window) + Vector256.Load(window + 8)) * w4;
        t += (Vector256.Load(window + 1) + Vector256.Load(window + 7)) * w3;
        t += (Vector256.Load(window + 2) + Vector256.Load(window + 6)) * w2;
        t += (Vector256.Load(window + 3) + Vector256.Load(window + 5)) * w1;
        return t;
    }
}
