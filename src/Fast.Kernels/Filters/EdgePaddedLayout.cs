using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Fast.Kernels.Filters;

/// <summary>
/// A copy of the tensor with its longest axis moved last (contiguous, so SIMD lanes run along it) and each row
/// padded by one element on each side. For a radius-1 window the half-sample reflection is edge replication
/// (i = −1 → 0, i = n → n − 1, for any n ≥ 1): inside a row that is the padding; across rows it is clamping the
/// outer coordinates, which <see cref="NeighbourRowOffsets"/> does once per output row. The outer axes are not
/// padded because a 3×3 conv kernel padded to 5×5 would copy 2.8× its size. Rows are padded up to a whole number
/// of vectors; the extra lanes hold zeros and only feed outputs that are discarded. The median is symmetric in
/// the axes, so permuting them is exact.
/// </summary>
internal sealed class EdgePaddedLayout : IDisposable
{
    /// <summary>Rows are a multiple of this many floats: whole vectors of the widest SIMD path.</summary>
    public const int RowMultiple = 16;

    private readonly FilterShape _shape;

    public EdgePaddedLayout(in FilterShape shape)
    {
        _shape = shape;
        int rank = shape.Rank;
        Permutation = AxisPermutation.LongestAxisLast(shape.Dims);
        int lastAxis = Permutation[rank - 1];
        RowLength = shape.Dims[lastAxis];
        RowSourceStride = shape.Strides[lastAxis];
        RowStride = RoundUp(RowLength + 2, RowMultiple);
        OuterDims = new int[rank - 1];
        OuterRowStrides = new int[rank - 1];
        int rows = 1;
        for (int a = rank - 2; a >= 0; a--)
        {
            OuterDims[a] = shape.Dims[Permutation[a]];
            OuterRowStrides[a] = rows;
            rows = checked(rows * OuterDims[a]);
        }

        RowCount = rows;
        Padded = ArrayPool<float>.Shared.Rent(checked(rows * RowStride));
    }

    public int[] Permutation { get; }

    /// <summary>Lengths of the outer (non-contiguous) axes, in layout order.</summary>
    public int[] OuterDims { get; }

    /// <summary>How many rows one step along each outer axis moves, in layout order.</summary>
    public int[] OuterRowStrides { get; }

    public int RowLength { get; }

    public nint RowSourceStride { get; }

    /// <summary>Floats from one padded row to the next: <see cref="RowLength"/> + 2, rounded up to <see cref="RowMultiple"/>.</summary>
    public int RowStride { get; }

    /// <summary>Rows in the layout: one per output row.</summary>
    public int RowCount { get; }

    public float[] Padded { get; }

    public static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>Where row <paramref name="row"/>'s elements start in the source (its first element's index).</summary>
    public nint SourceBase(int row) => AxisPermutation.RowBase(_shape, Permutation, row);

    /// <summary>
    /// The offsets into <see cref="Padded"/> of the 3^(d−1) rows around output row <paramref name="row"/> (outer
    /// axis offsets −1, 0, +1, last axis fastest), coordinates clamped to the tensor: the edge reflection.
    /// </summary>
    public void NeighbourRowOffsets(int row, Span<nint> offsets)
    {
        int outerRank = OuterDims.Length;
        Span<int> coords = stackalloc int[outerRank];
        int rem = row;
        for (int a = outerRank - 1; a >= 0; a--)
        {
            coords[a] = rem % OuterDims[a];
            rem /= OuterDims[a];
        }

        for (int f = 0; f < offsets.Length; f++)
        {
            int digits = f;
            nint neighbour = 0;
            for (int a = outerRank - 1; a >= 0; a--)
            {
                int c = Math.Clamp(coords[a] + (digits % 3) - 1, 0, OuterDims[a] - 1);
                digits /= 3;
                neighbour += c * OuterRowStrides[a];
            }

            offsets[f] = neighbour * RowStride;
        }
    }

    /// <summary>Fills rows [start, end) from the source: the elements at offset 1, then the edge pads and the zero tail.</summary>
    public void Fill(ReadOnlySpan<float> source, int start, int end)
    {
        AxisPermutation.CopyRows(source, Padded, _shape, Permutation, toPermuted: true, start, end, RowStride, rowsOffset: 1);
        ref float padded = ref MemoryMarshal.GetArrayDataReference(Padded);
        for (int row = start; row < end; row++)
        {
            ref float target = ref Unsafe.Add(ref padded, (nint)row * RowStride);
            target = Unsafe.Add(ref target, 1); // a value assignment: the left pad repeats the first element
            Unsafe.Add(ref target, RowLength + 1) = Unsafe.Add(ref target, RowLength);
            MemoryMarshal.CreateSpan(ref Unsafe.Add(ref target, RowLength + 2), RowStride - RowLength - 2).Clear();
        }
    }

    public void Dispose() => ArrayPool<float>.Shared.Return(Padded);
}
