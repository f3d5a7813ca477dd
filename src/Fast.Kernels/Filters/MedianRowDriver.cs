using System.Runtime.CompilerServices;
using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Fast.Kernels.Filters;

/// <summary>
/// The SIMD median over an <see cref="EdgePaddedLayout"/>, 16 lanes where Vector512 is accelerated, else 8.
/// Each output row (lanes along the contiguous axis) first sorts, per position, the 3^(d−1) values of the
/// outer neighbourhood ("columns"); each sorted column is shared by the three outputs left of, at and right of
/// it, which then need only the median of three sorted lists (merge two, select against the third: see
/// generate_median_networks.py).
/// </summary>
internal static class MedianRowDriver
{
    /// <summary>
    /// Filters <paramref name="source"/> into <paramref name="destination"/>: in the tensor's own order, or, with
    /// <paramref name="destinationIsRows"/>, in the longest-axis-last row order of <see cref="AxisPermutation"/>
    /// (row r at r · row length), which a following Gaussian can use without copying the tensor into it again.
    /// </summary>
    public static unsafe void Run(ReadOnlySpan<float> source, Span<float> destination, in FilterShape shape, int maxDegreeOfParallelism, bool destinationIsRows = false)
    {
        using var layout = new EdgePaddedLayout(shape);
        int columnSize = 1;
        for (int a = 0; a < shape.Rank - 1; a++)
        {
            columnSize *= 3;
        }

        fixed (float* sourcePointer = source)
        fixed (float* destinationPointer = destination)
        {
            nint sourceAddress = (nint)sourcePointer;
            nint destinationAddress = (nint)destinationPointer;
            int sourceLength = source.Length;
            long total = (long)layout.RowCount * layout.RowStride;
            FilterParallel.ForRanges(layout.RowCount, total, maxDegreeOfParallelism, (start, end) =>
                layout.Fill(new ReadOnlySpan<float>((float*)sourceAddress, sourceLength), start, end));
            FilterParallel.ForRanges(layout.RowCount, total * columnSize, maxDegreeOfParallelism, (start, end) =>
                FilterRows(layout, columnSize, new Span<float>((float*)destinationAddress, sourceLength), destinationIsRows, start, end));
        }
    }

    private static void FilterRows(EdgePaddedLayout layout, int columnSize, Span<float> destination, bool destinationIsRows, int start, int end)
    {
        int rowStride = layout.RowStride;
        int columnStride = rowStride + (2 * EdgePaddedLayout.RowMultiple);
        int outputLength = EdgePaddedLayout.RoundUp(layout.RowLength, EdgePaddedLayout.RowMultiple);
        float[] columnsArray = ArrayPool<float>.Shared.Rent(columnStride * columnSize);
        float[] rowsArray = ArrayPool<float>.Shared.Rent(RowTranspose.MaxRun * outputLength);
        ref float columns = ref MemoryMarshal.GetArrayDataReference(columnsArray);
        ref float rows = ref MemoryMarshal.GetArrayDataReference(rowsArray);
        ref float padded = ref MemoryMarshal.GetArrayDataReference(layout.Padded);
        Span<nint> columnOffsets = stackalloc nint[columnSize];
        var rowShape = new RowShape(columnSize, columnStride, rowStride, outputLength);
        for (int r = start; r < end;)
        {
            // A run of neighbouring rows is finished into a block and stored together (see RowTranspose).
            int run = RowTranspose.RunLength(r, end, layout.RowSourceStride);
            for (int k = 0; k < run; k++)
            {
                layout.NeighbourRowOffsets(r + k, columnOffsets);
                ref float row = ref Unsafe.Add(ref rows, k * outputLength);
                if (Vector512.IsHardwareAccelerated)
                {
                    Row512(ref padded, columnOffsets, ref columns, ref row, rowShape);
                }
                else
                {
                    Row256(ref padded, columnOffsets, ref columns, ref row, rowShape);
                }
            }

            if (destinationIsRows)
            {
                for (int k = 0; k < run; k++)
                {
                    MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref rows, k * outputLength), layout.RowLength).CopyTo(destination.Slice((r + k) * layout.RowLength, layout.RowLength));
                }

                r += run;
                continue;
            }

            ref float to = ref Unsafe.Add(ref MemoryMarshal.GetReference(destination), layout.SourceBase(r));
            if (layout.RowSourceStride == 1)
            {
                MemoryMarshal.CreateReadOnlySpan(ref rows, layout.RowLength).CopyTo(MemoryMarshal.CreateSpan(ref to, layout.RowLength));
            }
            else
            {
                RowTranspose.FromRows(ref rows, outputLength, layout.RowLength, run, ref to, layout.RowSourceStride);
            }

            r += run;
        }

        ArrayPool<float>.Shared.Return(columnsArray);
        ArrayPool<float>.Shared.Return(rowsArray);
    }

    /// <summary>Sizes of one row's work: values per column, the column buffer's stride, padded row and output lengths.</summary>
    private readonly record struct RowShape(int ColumnSize, int ColumnStride, int RowStride, int OutputLength);

    /// <summary>One output row, 16 lanes at a time: sort the columns at every padded position, then the medians.</summary>
    private static void Row512(ref float padded, ReadOnlySpan<nint> columnOffsets, ref float columns, ref float row, RowShape shape)
    {
        const int Lanes = 16;
        for (int j = 0; j < shape.RowStride; j += Lanes)
        {
            ref float at = ref Unsafe.Add(ref padded, j);
            ref float into = ref Unsafe.Add(ref columns, j);
            switch (shape.ColumnSize)
            {
                case 1: MedianSmallNetworks.V512.SortColumn1(ref at, columnOffsets, ref into, shape.ColumnStride); break;
                case 3: MedianSmallNetworks.V512.SortColumn3(ref at, columnOffsets, ref into, shape.ColumnStride); break;
                case 9: MedianNetworks.V512.SortColumn9(ref at, columnOffsets, ref into, shape.ColumnStride); break;
                default: MedianNetworks.V512.SortColumn27(ref at, columnOffsets, ref into, shape.ColumnStride); break;
            }
        }

        for (int j = 0; j < shape.OutputLength; j += Lanes)
        {
            // Output j's window is padded positions j, j+1, j+2: centre column at j+1.
            ref float centre = ref Unsafe.Add(ref columns, j + 1);
            Vector512<float> median = shape.ColumnSize switch
            {
                1 => MedianSmallNetworks.V512.MedianOfThreeSorted1(ref centre, shape.ColumnStride),
                3 => MedianSmallNetworks.V512.MedianOfThreeSorted3(ref centre, shape.ColumnStride),
                9 => MedianNetworks.V512.MedianOfThreeSorted9(ref centre, shape.ColumnStride),
                _ => MedianNetworks.V512.MedianOfThreeSorted27(ref centre, shape.ColumnStride),
            };
            median.StoreUnsafe(ref row, (nuint)j);
        }
    }

    /// <summary><see cref="Row512"/> with 8 lanes.</summary>
    private static void Row256(ref float padded, ReadOnlySpan<nint> columnOffsets, ref float columns, ref float row, RowShape shape)
    {
        const int Lanes = 8;
        for (int j = 0; j < shape.RowStride; j += Lanes)
        {
            ref float at = ref Unsafe.Add(ref padded, j);
            ref float into = ref Unsafe.Add(ref columns, j);
            switch (shape.ColumnSize)
            {
                case 1: MedianSmallNetworks.V256.SortColumn1(ref at, columnOffsets, ref into, shape.ColumnStride); break;
                case 3: MedianSmallNetworks.V256.SortColumn3(ref at, columnOffsets, ref into, shape.ColumnStride); break;
                case 9: MedianNetworks.V256.SortColumn9(ref at, columnOffsets, ref into, shape.ColumnStride); break;
                default: MedianNetworks.V256.SortColumn27(ref at, columnOffsets, ref into, shape.ColumnStride); break;
            }
        }

        for (int j = 0; j < shape.OutputLength; j += Lanes)
        {
            ref float centre = ref Unsafe.Add(ref columns, j + 1);
            Vector256<float> median = shape.ColumnSize switch
            {
                1 => MedianSmallNetworks.V256.MedianOfThreeSorted1(ref centre, shape.ColumnStride),
                3 => MedianSmallNetworks.V256.MedianOfThreeSorted3(ref centre, shape.ColumnStride),
                9 => MedianNetworks.V256.MedianOfThreeSorted9(ref centre, shape.ColumnStride),
                _ => MedianNetworks.V256.MedianOfThreeSorted27(ref centre, shape.ColumnStride),
            };
            median.StoreUnsafe(ref row, (nuint)j);
        }
    }
}
