using System.Numerics;
using System.Runtime.InteropServices;
using Fast.Kernels.Simd;

namespace Fast.Kernels;

/// <summary>
/// <see cref="DifferenceSums"/> of two tensors, in the fixed layout of <see cref="Reductions.Dot"/>: one result per block
/// of <see cref="Reductions.BlockElements"/> elements, inside a block element i goes to accumulator <c>i mod 16</c>
/// and the 16 accumulators are added in index order. The SIMD path keeps each lane's additions in the same order as the
/// scalar loop, so the results are the same bits at every vector width, and <see cref="DifferenceSums.Dot"/>,
/// <see cref="DifferenceSums.SquaresA"/> and <see cref="DifferenceSums.SquaresB"/> of a whole tensor are
/// <see cref="Reductions.Dot"/>'s bits. A caller that splits a tensor (threads, a device, streamed chunks) splits at
/// block boundaries and adds the blocks in order with <see cref="DifferenceSums.Total"/>.
/// </summary>
public static class DifferenceReductions
{
    /// <summary>How many blocks (results) a tensor of <paramref name="elements"/> elements has.</summary>
    public static long BlockCount(long elements) => (elements + Reductions.BlockElements - 1) / Reductions.BlockElements;

    /// <summary>The whole-tensor sums: the block sums added in order.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static DifferenceSums Sums(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Guard.SameLength(a.Length, b.Length, nameof(b));
        var total = default(DifferenceSums);
        for (int start = 0; start < a.Length; start += Reductions.BlockElements)
        {
            int len = Math.Min(Reductions.BlockElements, a.Length - start);
            var lanes = new LaneSums();
            lanes.Add(a.Slice(start, len), b.Slice(start, len));
            total = total.Then(lanes.Finish(len));
        }

        return total;
    }

    /// <summary>
    /// One <see cref="DifferenceSums"/> per block of stored elements (widened to binary32 exactly as the merge kernels
    /// widen them), into <paramref name="blocks"/>, whose length must be <see cref="BlockCount"/> of the element count.
    /// </summary>
    /// <exception cref="ArgumentException">The inputs differ in element count, or <paramref name="blocks"/> has the wrong length.</exception>
    public static void BlockSums(ReadOnlySpan<byte> a, ElementType typeA, ReadOnlySpan<byte> b, ElementType typeB, Span<DifferenceSums> blocks)
    {
        int n = Guard.ElementCount(a, typeA, nameof(a));
        Guard.SameLength(n, Guard.ElementCount(b, typeB, nameof(b)), nameof(b));
        Guard.SameLength((int)BlockCount(n), blocks.Length, nameof(blocks));

        // L1-sized pieces; StoredDriver.BlockElements is a multiple of the 16 lanes, so a piece starts on lane 0.
        Span<float> aBuffer = stackalloc float[StoredDriver.BlockElements];
        Span<float> bBuffer = stackalloc float[StoredDriver.BlockElements];
        for (int block = 0; block < blocks.Length; block++)
        {
            int blockStart = block * Reductions.BlockElements;
            int blockLength = Math.Min(Reductions.BlockElements, n - blockStart);
            var lanes = new LaneSums();
            for (int start = blockStart; start < blockStart + blockLength; start += StoredDriver.BlockElements)
            {
                int len = Math.Min(StoredDriver.BlockElements, blockStart + blockLength - start);
                lanes.Add(StoredDriver.Input(a, typeA, start, len, aBuffer), StoredDriver.Input(b, typeB, start, len, bBuffer));
            }

            blocks[block] = lanes.Finish(blockLength);
        }
    }

    /// <summary>
    /// The 16 accumulators of one block. Pieces are added in order; every piece but the last has a length that is a
    /// multiple of 16, so element i of the block always meets accumulator i mod 16.
    /// </summary>
    private struct LaneSums
    {
        private Lanes16 _dot;
        private Lanes16 _aa;
        private Lanes16 _bb;
        private Lanes16 _dd;
        private double _max;
        private bool _nan;

        public void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        {
            int i = 0;
            if (Vector.IsHardwareAccelerated && Vector<float>.Count <= Reductions.Lanes && Reductions.Lanes % Vector<float>.Count == 0)
            {
                i = AddVectors(a, b);
            }

            for (; i < a.Length; i++)
            {
                int lane = i % Reductions.Lanes;
                double x = a[i];
                double y = b[i];
                double d = x - y;
                _dot[lane] += x * y;
                _aa[lane] += x * x;
                _bb[lane] += y * y;
                _dd[lane] += d * d;
                double magnitude = Math.Abs(d);
                _nan |= double.IsNaN(d);
                _max = Math.Max(_max, magnitude);
            }
        }

        public readonly DifferenceSums Finish(int count)
        {
            double dot = 0, aa = 0, bb = 0, dd = 0;
            for (int lane = 0; lane < Reductions.Lanes; lane++)
            {
                dot += _dot[lane];
                aa += _aa[lane];
                bb += _bb[lane];
                dd += _dd[lane];
            }

            return new DifferenceSums(dot, aa, bb, dd, _nan ? double.NaN : _max, count);
        }

        // Vector<double> k of a 16-element group holds lanes [k·Count, (k+1)·Count), as in Reductions.Dot.
        private int AddVectors(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        {
            int whole = a.Length - (a.Length % Reductions.Lanes);
            Span<Vector<double>> dot = MemoryMarshal.Cast<double, Vector<double>>((Span<double>)_dot);
            Span<Vector<double>> aa = MemoryMarshal.Cast<double, Vector<double>>((Span<double>)_aa);
            Span<Vector<double>> bb = MemoryMarshal.Cast<double, Vector<double>>((Span<double>)_bb);
            Span<Vector<double>> dd = MemoryMarshal.Cast<double, Vector<double>>((Span<double>)_dd);
            int perGroup = dot.Length;
            ReadOnlySpan<Vector<float>> av = MemoryMarshal.Cast<float, Vector<float>>(a[..whole]);
            ReadOnlySpan<Vector<float>> bv = MemoryMarshal.Cast<float, Vector<float>>(b[..whole]);
            Vector<double> max = new(_max);
            Vector<long> nan = Vector<long>.Zero;
            int k = 0;
            for (int v = 0; v < av.Length; v++)
            {
                Vector.Widen(av[v], out Vector<double> xLo, out Vector<double> xHi);
                Vector.Widen(bv[v], out Vector<double> yLo, out Vector<double> yHi);
                Vector<double> dLo = xLo - yLo;
                Vector<double> dHi = xHi - yHi;
                dot[k] += xLo * yLo;
                dot[k + 1] += xHi * yHi;
                aa[k] += xLo * xLo;
                aa[k + 1] += xHi * xHi;
                bb[k] += yLo * yLo;
                bb[k + 1] += yHi * yHi;
                dd[k] += dLo * dLo;
                dd[k + 1] += dHi * dHi;

                // A NaN lane compares unequal to itself; the maximum of the others stays exact.
                nan |= ~Vector.Equals(dLo, dLo) | ~Vector.Equals(dHi, dHi);
                max = Vector.Max(max, Vector.Max(Vector.Abs(dLo), Vector.Abs(dHi)));
                k += 2;
                if (k == perGroup)
                {
                    k = 0;
                }
            }

            double m = _max;
            for (int lane = 0; lane < Vector<double>.Count; lane++)
            {
                m = Math.Max(m, double.IsNaN(max[lane]) ? 0 : max[lane]);
            }

            _max = m;
            _nan |= nan != Vector<long>.Zero;
            return whole;
        }
    }

    [System.Runtime.CompilerServices.InlineArray(Reductions.Lanes)]
    private struct Lanes16
    {
        private double _element;
    }
}
