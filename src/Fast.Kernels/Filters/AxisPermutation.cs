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

    /// <summary>
    /// For permuted rows [start, end): toPermuted copies original → permuted, otherwise permuted → original.
    /// The permutation must be <see cref="LongestAxisLast"/>'s: rows then come in runs that <see cref="RowTranspose"/> copies.
    /// </summary>
    public static void CopyRows(ReadOnlySpan<float> from, Span<float> to, in FilterShape shape, int[] permutation, bool toPermuted, int start, int end)
    {
        int rank = permutation.Length;
        int rowLength = shape.Dims[permutation[rank - 1]];
        nint rowStride = shape.Strides[permutation[rank - 1]];
        for (int r = start; r < end;)
        {
            nint originalBase = 0;
            int rem = r;
            for (int a = rank - 2; a >= 0; a--)
            {
                int n = shape.Dims[permutation[a]];
                originalBase += (rem % n) * shape.Strides[permutation[a]];
                rem /= n;
            }

            int run = RowTranspose.RunLength(r, end, rowStride);
            nint permutedBase = (nint)r * rowLength;
            if (toPermuted)
            {
                ref float source = ref Unsafe.Add(ref MemoryMarshal.GetReference(from), originalBase);
                ref float target = ref Unsafe.Add(ref MemoryMarshal.GetReference(to), permutedBase);
                RowTranspose.ToRows(ref source, rowStride, rowLength, run, ref target, rowLength);
            }
            else
            {
                ref float source = ref Unsafe.Add(ref MemoryMarshal.GetReference(from), permutedBase);
                ref float target = ref Unsafe.Add(ref MemoryMarshal.GetReference(to), originalBase);
                RowTranspose.FromRows(ref source, rowLength, rowLength, run, ref target, rowStride);
            }

            r += run;
        }
    }
}
