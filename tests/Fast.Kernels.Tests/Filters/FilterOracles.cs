using Xunit;
namespace Fast.Kernels.Tests.Filters;

/// <summary>Straightforward scalar definitions of the smoothAdd filters (SPEC §4), written for clarity, not speed.</summary>
internal static class FilterOracles
{
    public static int Reflect(int i, int n)
    {
        int m = ((i % (2 * n)) + (2 * n)) % (2 * n);
        return m < n ? m : (2 * n) - 1 - m;
    }

    /// <summary>Gather + full sort + middle element. Exact for inputs without NaN and −0 (no tie between distinct bit patterns).</summary>
    public static float[] Median(float[] x, int[] shape)
    {
        int rank = shape.Length;
        int[] strides = Strides(shape);
        var result = new float[x.Length];
        int window = (int)Math.Pow(3, rank);
        var values = new float[window];
        var coord = new int[rank];
        for (int q = 0; q < x.Length; q++)
        {
            Unflatten(q, shape, coord);
            for (int f = 0; f < window; f++)
            {
                int digits = f;
                int index = 0;
                for (int a = rank - 1; a >= 0; a--)
                {
                    index += Reflect(coord[a] + (digits % 3) - 1, shape[a]) * strides[a];
                    digits /= 3;
                }

                values[f] = x[index];
            }

            Array.Sort(values);
            result[q] = values[window / 2];
        }

        return result;
    }

    /// <summary>Separable Gaussian: axis 0, 1, …, each pass rounded to float, accumulation order of SPEC §4.</summary>
    public static float[] Gaussian(float[] x, int[] shape, double[] taps)
    {
        float[] current = (float[])x.Clone();
        int[] strides = Strides(shape);
        var coord = new int[shape.Length];
        for (int axis = 0; axis < shape.Length; axis++)
        {
            var next = new float[x.Length];
            for (int q = 0; q < x.Length; q++)
            {
                Unflatten(q, shape, coord);
                int i = coord[axis];
                int lineStart = q - (i * strides[axis]);
                double At(int j) => current[lineStart + (Reflect(i + j, shape[axis]) * strides[axis])];
                double t = At(0) * taps[0];
                for (int j = 4; j >= 1; j--)
                {
                    t += (At(-j) + At(j)) * taps[j];
                }

                next[q] = (float)t;
            }

            current = next;
        }

        return current;
    }

    public static int[] Strides(int[] shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int a = shape.Length - 1; a >= 0; a--)
        {
            strides[a] = s;
            s *= shape[a];
        }

        return strides;
    }

    private static void Unflatten(int q, int[] shape, int[] coord)
    {
        for (int a = shape.Length - 1; a >= 0; a--)
        {
            coord[a] = q % shape[a];
            q /= shape[a];
        }
    }
}
