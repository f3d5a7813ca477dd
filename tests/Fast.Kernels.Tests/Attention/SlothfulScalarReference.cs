using Fast.Kernels;
using Fast.Kernels.Attention;

namespace Fast.Kernels.Tests.Attention;

/// <summary>
/// A plain transcription of SPEC §7 (one element at a time, no vectors, no threads) for the kernels to match:
/// floats in, storage rounding through <see cref="Half"/> or bfloat16 RNE written out here.
/// </summary>
internal static class SlothfulScalarReference
{
    public static float Round(ElementType type, float v) => type switch
    {
        ElementType.F32 => v,
        ElementType.F16 => (float)(Half)v,
        _ => BF16(v),
    };

    public static float BF16(float v)
    {
        if (float.IsNaN(v))
        {
            return BitConverter.UInt32BitsToSingle(0x7FC00000);
        }

        uint u = BitConverter.SingleToUInt32Bits(v);
        uint r = (u + 0x7FFF + ((u >> 16) & 1)) & 0xFFFF0000;
        return BitConverter.UInt32BitsToSingle(r);
    }

    /// <summary>K' and V' as float values already rounded to <paramref name="type"/>.</summary>
    public static (float[] K, float[] V) Pool(SlothfulPlan p, ElementType type, float[] x, int batch, int c, bool fused)
    {
        if (!p.Pooled)
        {
            return ((float[])x.Clone(), (float[])x.Clone());
        }

        bool is1D = SlothfulNames.Is1D(p.Mode);
        var k = new float[batch * p.M * c];
        var v = new float[k.Length];
        for (int b = 0; b < batch; b++)
        {
            for (int j = 0; j < p.M; j++)
            {
                var tokens = new List<int>();
                if (is1D)
                {
                    for (int i = 0; i < p.S; i++)
                    {
                        tokens.Add((j * p.S) + i);
                    }
                }
                else
                {
                    int r = j / p.OutWidth, q = j % p.OutWidth;
                    for (int dy = 0; dy < p.Sy; dy++)
                    {
                        for (int dx = 0; dx < p.Sx; dx++)
                        {
                            tokens.Add((((r * p.Sy) + dy) * p.W) + (q * p.Sx) + dx);
                        }
                    }
                }

                for (int ch = 0; ch < c; ch++)
                {
                    float At(int n) => x[(((b * p.N) + n) * c) + ch];
                    float one = Round(type, (0f + At(tokens[0])) / 1f);
                    int o = (((b * p.M) + j) * c) + ch;
                    if (p.UseShortcut)
                    {
                        k[o] = v[o] = one;
                        continue;
                    }

                    float pool;
                    if (SlothfulNames.IsMax(p.Mode))
                    {
                        pool = float.NegativeInfinity;
                        foreach (int n in tokens)
                        {
                            float e = At(n);
                            if (e > pool || float.IsNaN(e))
                            {
                                pool = e;
                            }
                        }
                    }
                    else
                    {
                        float acc = 0f;
                        foreach (int n in tokens)
                        {
                            acc += At(n);
                        }

                        pool = Round(type, acc / tokens.Count);
                    }

                    k[o] = Round(type, Lerp(one, pool, (float)p.KBlend, fused));
                    v[o] = Round(type, Lerp(one, pool, (float)p.VBlend, fused));
                }
            }
        }

        return (k, v);
    }

    public static float Lerp(float a, float b, float w, bool fused)
    {
        float d = b - a;
        if (MathF.Abs(w) < 0.5f)
        {
            return fused ? MathF.FusedMultiplyAdd(w, d, a) : a + (w * d);
        }

        return fused ? MathF.FusedMultiplyAdd(-d, 1f - w, b) : b - (d * (1f - w));
    }
}
