using ILGPU;

namespace Fast.Kernels.Gpu.Kernels;

/// <summary>
/// smoothAdd's filters (SPEC §4): the exact 3^d median and one separable gaussian pass, both with
/// scipy's <c>reflect</c> boundary (half-sample reflection with period 2n, valid for any axis length).
/// </summary>
internal static class FilterKernels
{
    private const int MaxNeighbourhood = 81;
    private const uint CanonicalNaNKey = 0xFFFF_FFFF;

    public static void Median(Index1D index, ArrayView<float> source, ArrayView<float> output, FilterShape shape)
    {
        int remainder = index;
        int c3 = remainder % shape.D3;
        remainder /= shape.D3;
        int c2 = remainder % shape.D2;
        remainder /= shape.D2;
        int c1 = remainder % shape.D1;
        int c0 = remainder / shape.D1;

        // Axes outside the tensor's rank have length 1 and contribute a single offset.
        int r0 = shape.Rank >= 4 ? 1 : 0;
        int r1 = shape.Rank >= 3 ? 1 : 0;
        int r2 = shape.Rank >= 2 ? 1 : 0;

        var keys = LocalMemory.Allocate<uint>(MaxNeighbourhood);
        int count = 0;
        for (int o0 = -r0; o0 <= r0; o0++)
        {
            int i0 = Reflect(c0 + o0, shape.D0);
            for (int o1 = -r1; o1 <= r1; o1++)
            {
                int i1 = Reflect(c1 + o1, shape.D1);
                for (int o2 = -r2; o2 <= r2; o2++)
                {
                    int i2 = Reflect(c2 + o2, shape.D2);
                    int row = ((i0 * shape.D1) + i1) * shape.D2 + i2;
                    for (int o3 = -1; o3 <= 1; o3++)
                    {
                        int i3 = Reflect(c3 + o3, shape.D3);
                        keys[count] = SortKey(source[(row * shape.D3) + i3]);
                        count++;
                    }
                }
            }
        }

        // Insertion sort: at most 81 keys in thread-local memory; the middle one is the median.
        for (int i = 1; i < count; i++)
        {
            uint key = keys[i];
            int j = i - 1;
            while (j >= 0 && keys[j] > key)
            {
                keys[j + 1] = keys[j];
                j--;
            }

            keys[j + 1] = key;
        }

        output[index] = FromSortKey(keys[count / 2]);
    }

    /// <summary>
    /// One gaussian pass along an axis of <paramref name="axisLength"/> elements whose stride is
    /// <paramref name="inner"/>: <c>t = x[i]·w0; for j = 4..1: t += (x[i−j] + x[i+j])·wj</c> in double.
    /// </summary>
    public static void GaussianPass<TMath>(Index1D index, ArrayView<float> source, ArrayView<float> output, int axisLength, int inner)
        where TMath : struct, IStrictMath
    {
        var math = default(TMath);
        int position = (index / inner) % axisLength;
        int lineStart = index - (position * inner);

        double total = math.Mul((double)source[index], GaussianTaps.Tap(0));
        for (int j = 4; j >= 1; j--)
        {
            double below = source[lineStart + (Reflect(position - j, axisLength) * inner)];
            double above = source[lineStart + (Reflect(position + j, axisLength) * inner)];
            total = math.Add(total, math.Mul(math.Add(below, above), GaussianTaps.Tap(j)));
        }

        output[index] = (float)total;
    }

    /// <summary>scipy <c>reflect</c>: <c>m = i mod 2n</c> (non-negative), then <c>m &lt; n ? m : 2n − 1 − m</c>.</summary>
    public static int Reflect(int i, int n)
    {
        int period = 2 * n;
        int m = i % period;
        if (m < 0)
        {
            m += period;
        }

        return m < n ? m : period - 1 - m;
    }

    /// <summary>
    /// Total order used by the median: every NaN sorts above +∞ (and comes out as the canonical quiet NaN),
    /// −0 sorts just below +0, everything else by value. Must match the SIMD filter in Fast.Kernels.
    /// </summary>
    public static uint SortKey(float value)
    {
        uint bits = (uint)BitConverter.SingleToInt32Bits(value);
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000)
        {
            return CanonicalNaNKey;
        }

        return (bits & 0x8000_0000) != 0 ? ~bits : bits | 0x8000_0000;
    }

    public static float FromSortKey(uint key)
    {
        if (key == CanonicalNaNKey)
        {
            return BitConverter.Int32BitsToSingle(0x7FC0_0000);
        }

        uint bits = (key & 0x8000_0000) != 0 ? key & 0x7FFF_FFFF : ~key;
        return BitConverter.Int32BitsToSingle((int)bits);
    }
}
