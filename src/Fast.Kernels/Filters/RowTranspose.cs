using System.Runtime.CompilerServices;

namespace Fast.Kernels.Filters;

/// <summary>
/// Moves data between a tensor and its "longest axis last" row layout. With the longest axis moved last, the
/// tensor is a batch of [n, P] matrices (P = the product of the axes after it) whose transposes are the rows:
/// row q·P + p holds elements q·n·P + i·P + p for i = 0 … n − 1. Copying one row at a time walks n cache lines per
/// row and, for big tensors, falls out of L1 between the P rows that share them; these copies take up to
/// <see cref="MaxRun"/> neighbouring rows at once, a block of <see cref="Block"/> positions at a time, so every
/// line is read (or written) while it is in L1.
/// </summary>
internal static class RowTranspose
{
    /// <summary>Most rows copied together: their elements sit side by side in the tensor (p, p + 1, …).</summary>
    public const int MaxRun = 16;

    /// <summary>Positions per block: a block of a 16-row run spans 16 × 64 floats of each side (4 KiB).</summary>
    private const int Block = 64;

    /// <summary>
    /// How many rows from <paramref name="row"/> on, but before <paramref name="end"/>, can be copied together: up
    /// to <see cref="MaxRun"/>, within one matrix of the batch.
    /// </summary>
    public static int RunLength(int row, int end, nint rowSourceStride)
    {
        int p = (int)(row % rowSourceStride);
        return (int)Math.Min(Math.Min(MaxRun, rowSourceStride - p), end - row);
    }

    /// <summary>
    /// Tensor → rows: row k (k &lt; <paramref name="rows"/>) of <paramref name="destination"/> (rows
    /// <paramref name="rowStride"/> apart) gets elements k + i·<paramref name="stride"/> of <paramref name="source"/>,
    /// i &lt; <paramref name="length"/>.
    /// </summary>
    public static void ToRows(ref float source, nint stride, int length, int rows, ref float destination, nint rowStride)
    {
        for (int block = 0; block < length; block += Block)
        {
            int blockEnd = Math.Min(block + Block, length);
            for (int k = 0; k < rows; k++)
            {
                ref float from = ref Unsafe.Add(ref source, k);
                ref float to = ref Unsafe.Add(ref destination, k * rowStride);
                for (int i = block; i < blockEnd; i++)
                {
                    Unsafe.Add(ref to, i) = Unsafe.Add(ref from, i * stride);
                }
            }
        }
    }

    /// <summary>Rows → tensor: the inverse of <see cref="ToRows"/>.</summary>
    public static void FromRows(ref float source, nint rowStride, int length, int rows, ref float destination, nint stride)
    {
        for (int block = 0; block < length; block += Block)
        {
            int blockEnd = Math.Min(block + Block, length);
            for (int k = 0; k < rows; k++)
            {
                ref float from = ref Unsafe.Add(ref source, k * rowStride);
                ref float to = ref Unsafe.Add(ref destination, k);
                for (int i = block; i < blockEnd; i++)
                {
                    Unsafe.Add(ref to, i * stride) = Unsafe.Add(ref from, i);
                }
            }
        }
    }
}
