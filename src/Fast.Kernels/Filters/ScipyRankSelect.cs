namespace Fast.Kernels.Filters;

/// <summary>
/// scipy.ndimage's rank filter for one element, step for step: the neighbourhood gathered in footprint
/// order (row-major offsets −1, 0, +1 per axis, reflected) into doubles, then NI_Select's Hoare-partition
/// quickselect. Which of several equal values (−0 vs +0) it returns, and what it returns around NaN,
/// follow from that exact order, so the fast path defers to this wherever those cases can arise.
/// </summary>
internal static class ScipyRankSelect
{
    public static float MedianAt(ReadOnlySpan<float> source, in FilterShape shape, int flatIndex, Span<double> buffer, Span<int> coords)
    {
        int rank = shape.Rank;
        int rem = flatIndex;
        for (int a = rank - 1; a >= 0; a--)
        {
            coords[a] = rem % shape.Dims[a];
            rem /= shape.Dims[a];
        }

        int size = buffer.Length;
        for (int f = 0; f < size; f++)
        {
            // Footprint entry f in row-major order: digit a (base 3) is the offset along axis a, plus one.
            int digits = f;
            nint offset = 0;
            for (int a = rank - 1; a >= 0; a--)
            {
                int delta = (digits % 3) - 1;
                digits /= 3;
                offset += FilterShape.Reflect(coords[a] + delta, shape.Dims[a]) * shape.Strides[a];
            }

            buffer[f] = source[(int)offset];
        }

        return (float)Select(buffer, size / 2);
    }

    /// <summary>NI_Select (scipy/ndimage/src/ni_filters.c), iterative instead of tail-recursive.</summary>
    public static double Select(Span<double> buffer, int rank)
    {
        int min = 0;
        int max = buffer.Length - 1;
        while (min != max)
        {
            double x = buffer[min];
            int ii = min - 1;
            int jj = max + 1;
            while (true)
            {
                do
                {
                    jj--;
                }
                while (buffer[jj] > x);

                do
                {
                    ii++;
                }
                while (buffer[ii] < x);

                if (ii < jj)
                {
                    (buffer[ii], buffer[jj]) = (buffer[jj], buffer[ii]);
                }
                else
                {
                    break;
                }
            }

            int leftCount = jj - min + 1;
            if (rank < leftCount)
            {
                max = jj;
            }
            else
            {
                min = jj + 1;
                rank -= leftCount;
            }
        }

        return buffer[min];
    }
}
