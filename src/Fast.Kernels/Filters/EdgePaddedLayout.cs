using System.Buffers;

namespace Fast.Kernels.Filters;

/// <summary>
/// A copy of the tensor with its longest axis moved last (contiguous, so SIMD lanes run along it) and every
/// axis padded by one element on each side. For a radius-1 window the half-sample reflection is edge
/// replication (i = −1 → 0, i = n → n − 1, for any n ≥ 1), so after padding every element's 3^d neighbours
/// sit at the same fixed offsets. Rows are padded up to a whole number of vectors; the extra lanes hold zeros
/// and only feed outputs that are discarded. The median is symmetric in the axes, so permuting them is exact.
/// </summary>
internal sealed class EdgePaddedLayout : IDisposable
{
    public const int Lanes = 8;

    public EdgePaddedLayout(in FilterShape shape)
    {
        int rank = shape.Rank;
        Permutation = AxisPermutation.LongestAxisLast(shape.Dims);
        int lastAxis = Permutation[rank - 1];
        RowLength = shape.Dims[lastAxis];
        RowSourceStride = shape.Strides[lastAxis];
        RowStride = RoundUp(RowLength + 2, Lanes);
        OuterDims = new int[rank - 1];
        OuterSourceStrides = new nint[rank - 1];
        PaddedStrides = new nint[rank - 1];
        nint stride = RowStride;
        for (int a = rank - 2; a >= 0; a--)
        {
            OuterDims[a] = shape.Dims[Permutation[a]];
            OuterSourceStrides[a] = shape.Strides[Permutation[a]];
            PaddedStrides[a] = stride;
            stride = checked(stride * (OuterDims[a] + 2));
        }

        PaddedRowCount = (int)(stride / RowStride);
        OutputRowCount = 1;
        foreach (int n in OuterDims)
        {
            OutputRowCount *= n;
        }

        Padded = ArrayPool<float>.Shared.Rent((int)stride);
    }

    public int[] Permutation { get; }

    /// <summary>Lengths of the outer (non-contiguous) axes, in layout order.</summary>
    public int[] OuterDims { get; }

    /// <summary>Source strides of the outer axes, in layout order.</summary>
    public nint[] OuterSourceStrides { get; }

    /// <summary>Strides of the outer axes inside <see cref="Padded"/>.</summary>
    public nint[] PaddedStrides { get; }

    public int RowLength { get; }

    public nint RowSourceStride { get; }

    public int RowStride { get; }

    public int PaddedRowCount { get; }

    public int OutputRowCount { get; }

    public float[] Padded { get; }

    public static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>Fills padded rows [start, end) from the source.</summary>
    public void Fill(ReadOnlySpan<float> source, int start, int end)
    {
        Span<float> padded = Padded;
        for (int row = start; row < end; row++)
        {
            nint sourceBase = 0;
            int rem = row;
            for (int a = OuterDims.Length - 1; a >= 0; a--)
            {
                int paddedCoord = rem % (OuterDims[a] + 2);
                rem /= OuterDims[a] + 2;
                sourceBase += Math.Clamp(paddedCoord - 1, 0, OuterDims[a] - 1) * OuterSourceStrides[a];
            }

            Span<float> target = padded.Slice(row * RowStride, RowStride);
            if (RowSourceStride == 1)
            {
                source.Slice((int)sourceBase, RowLength).CopyTo(target[1..]);
            }
            else
            {
                for (int j = 0; j < RowLength; j++)
                {
                    target[j + 1] = source[(int)(sourceBase + (j * RowSourceStride))];
                }
            }

            target[0] = target[1];
            target[RowLength + 1] = target[RowLength];
            target[(RowLength + 2)..].Clear();
        }
    }

    public void Dispose() => ArrayPool<float>.Shared.Return(Padded);
}
