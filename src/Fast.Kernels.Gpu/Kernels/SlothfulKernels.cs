using ILGPU;

namespace Fast.Kernels.Gpu.Kernels;

/// <summary>
/// SlothfulAttention K/V pooling (SPEC §7), one thread per output element (b, j, c). Each thread reduces its window
/// alone in the node's order, so the result matches the CPU kernel bit for bit; arithmetic goes through
/// the strict-math type so CUDA neither contracts the lerp's product into an fma nor approximates the division.
/// Values are f32 already rounded to the storage type; the outputs are rounded to it after each kernel.
/// </summary>
internal static class SlothfulKernels
{
    public static void Pool<TMath>(Index1D index, ArrayView<float> x, ArrayView<float> k, ArrayView<float> v, SlothfulShape s)
        where TMath : struct, IStrictMath
    {
        TMath math = default;
        int c = index % s.C;
        int row = index / s.C;
        int b = row / s.M, j = row - (b * s.M);
        long origin = s.OutWidth == 0 ? (long)j * s.StepX : ((long)(j / s.OutWidth) * s.StepY) + ((long)(j % s.OutWidth) * s.StepX);
        long at = ((((long)b * s.N) + origin) * s.C) + c;

        // "one" = (+0 + x) / 1: −0 becomes +0, anything else is unchanged (and already representable in F).
        float one = math.Add(0f, x[at]);
        if (s.Shortcut != 0)
        {
            k[index] = one;
            if (s.WriteV != 0)
            {
                v[index] = one;
            }

            return;
        }

        float pool;
        if (s.Max != 0)
        {
            pool = float.NegativeInfinity;
            for (int dy = 0; dy < s.WinRows; dy++)
            {
                for (int dx = 0; dx < s.WinCols; dx++)
                {
                    float e = x[at + ((((long)dy * s.RowPitch) + dx) * s.C)];
                    if (e > pool || float.IsNaN(e))
                    {
                        pool = e;
                    }
                }
            }
        }
        else
        {
            float acc = 0f;
            for (int dy = 0; dy < s.WinRows; dy++)
            {
                for (int dx = 0; dx < s.WinCols; dx++)
                {
                    acc = math.Add(acc, x[at + ((((long)dy * s.RowPitch) + dx) * s.C)]);
                }
            }

            pool = ElementConversions.RoundThrough<TMath>(math.Div(acc, s.WinRows * s.WinCols), s.ElementType);
        }

        float kOut = ElementConversions.RoundThrough<TMath>(Lerp(math, one, pool, s.KWeight, s.Fused != 0), s.ElementType);
        k[index] = kOut;
        if (s.WriteV != 0)
        {
            v[index] = s.VSeparate != 0 ? ElementConversions.RoundThrough<TMath>(Lerp(math, one, pool, s.VWeight, s.Fused != 0), s.ElementType) : kOut;
        }
    }

    /// <summary>torch.lerp with an f32 weight: the |w| &lt; 0.5 branch, fused or with the product rounded first.</summary>
    private static float Lerp<TMath>(TMath math, float a, float b, float w, bool fused)
        where TMath : struct, IStrictMath
    {
        float d = math.Sub(b, a);
        if ((w < 0 ? -w : w) < 0.5f)
        {
            return fused ? math.Fma(w, d, a) : math.Add(a, math.Mul(w, d));
        }

        float oneMinusW = math.Sub(1f, w);
        return fused ? math.Fma(math.Mul(-1f, d), oneMinusW, b) : math.Sub(b, math.Mul(d, oneMinusW));
    }
}
