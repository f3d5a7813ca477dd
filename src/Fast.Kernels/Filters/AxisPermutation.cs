using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Fast.Kernels.Filters;

/// <summary>Copies a tensor into (or back out of) a layout whose axes are permuted, one contiguous row at a time.</summary>
internal static class AxisPermutation
{
    /// <summary>Index of the axis that becomes last: the longest (the last one on ties), so SIMD rows are long.</summary>
    public static int[] LongestAxisLast(int[] dims)
    {
        int longest = dims.Length - 1;
        for (int a = dims.Length - 2; a >= 0; a--)
        {
            if (dims[a] > dims[longest])
            {
                longest = a;
            }
        }

        var order = new int[dims.Length];
        int k = 0;
        for (int a = 0; a < dims.Length; a++)
        {
            if (a != longest)
            {
                order[k++] = a;
            }
        }

        order[k] = longest;
        return order;
    }

    public static bool IsIdentity(int[] permutation)
    {
        for (int a = 0; a < permutation.Length; a++)
        {
            if (permutation[a] != a)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Where permuted row <paramref name="row"/> starts in the tensor (its first element's index).</summary>
    public static nint RowBase(in FilterShape shape, int[] permutation, int row)
    {
        nint rowBase = 0;
        int rem = row;
        for (int a = permutation.Length - 2; a >= 0; a--)
        {
            int n = shape.Dims[permutation[a]];
            rowBase += (rem % n) * shape.Strides[permutation[a]];
            rem /= n;
        }

        return rowBase;
    }

    /// <summary>
    /// For permuted rows [start, end): toPermuted copies original → permuted, otherwise permuted → original. Row r
    /// of the permuted side starts at r·<paramref name="rowsStride"/> + <paramref name="rowsOffset"/> (by default
    /// rows are packed). The permutation must be <see cref="LongestAxisLast"/>'s: rows then come in runs that
    /// <see cref="RowTranspose"/> copies.
    /// </summary>
    public static void CopyRows(
        ReadOnlySpan<float> from, Span<float> to, in FilterShape shape, int[] permutation, bool toPermuted, int start, int end, int rowsStride = 0, int rowsOffset = 0)
    {
        int rank = permutation.Length;
        int rowLength = shape.Dims[permutation[rank - 1]];
        nint stride = shape.Strides[permutation[rank - 1]];
        if (rowsStride == 0)
        {
            rowsStride = rowLength;
        }

        for (int r = start; r < end;)
        {
            nint originalBase = RowBase(shape, permutation, r);
            int run = RowTranspose.RunLength(r, end, stride);
            nint permutedBase = ((nint)r * rowsStride) + rowsOffset;
            ref float source = ref Unsafe.Add(ref MemoryMarshal.GetReference(from), toPermuted ? originalBase : permutedBase);
            ref float target = ref Unsafe.Add(ref MemoryMarshal.GetReference(to), toPermuted ? permutedBase : originalBase);
            if (stride == 1)
            {
                // The longest axis is already last: a row is contiguous on both sides.
                MemoryMarshal.CreateReadOnlySpan(ref source, rowLength).CopyTo(MemoryMarshal.CreateSpan(ref target, rowLength));
            }
            else if (toPermuted)
            {
                RowTranspose.ToRows(ref source, stride, rowLength, run, ref target, rowsStride);
            }
            else
            {
                RowTranspose.FromRows(ref source, rowsStride, rowLength, run, ref target, stride);
            }

            r += run;
        }
    }
}
