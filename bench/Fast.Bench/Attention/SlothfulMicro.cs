using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Fast.Kernels;
using Fast.Kernels.Attention;
using Fast.Kernels.Conversion;

namespace Fast.Bench.Attention;

/// <summary>
/// Single-thread SlothfulAttention pooling against a memcpy of the same bytes, timed in the same process and
/// interleaved call by call (best of many rounds), so a machine loaded by other work slows both sides alike:
/// <c>dotnet Fast.Bench.dll slothful-micro [SECONDS_PER_ROW [SHAPE_FILTER]]</c>.
/// Prints "micro SHAPE DTYPE MODE OURS_S COPY_S CONVERT_S GENERAL_S IN_BYTES OUT_BYTES" per row. COPY_S is a single-thread
/// copy of (in + out) / 2 bytes, which reads and writes in + out bytes in all (the read-input + write-output floor
/// in the same cache level as the kernel). CONVERT_S (F16 rows) is the conversion alone: every input
/// element widened once, the window's elements summed, every output element narrowed once, no division, rounding or
/// lerp: the least work an exact binary16 kernel does with these conversions; on F32 rows it is the traversal alone
/// (window sum and stores, AVX-512 only). GENERAL_S (F16 rows; 0 otherwise) is
/// the general kernel alone (no finite-input path), the kernel before that path existed.
/// </summary>
internal static unsafe class SlothfulMicro
{
    public static void Run(double secondsPerRow, string filter)
    {
        foreach ((string name, int b, int h, int w, int c) in SlothfulComparison.Shapes)
        {
            if (!name.Contains(filter, StringComparison.Ordinal))
            {
                continue;
            }

            foreach (ElementType type in new[] { ElementType.F32, ElementType.F16 })
            {
                foreach (SlothfulMode mode in new[] { SlothfulMode.Avg2D, SlothfulMode.Max2D })
                {
                    SlothfulPlan plan = SlothfulPlan.ForStride(4.0, mode, 0.3, 0.7, h * w, (h, w), SlothfulCompat.Fixed);
                    byte[] x = SlothfulComparison.Input(type, (long)b * h * w * c);
                    int size = ElementTypeInfo.SizeOf(type);
                    byte[] k = new byte[SlothfulPooling.OutputElements(plan, b, c) * size];
                    byte[] v = new byte[k.Length];
                    long copyBytes = (x.Length + (2L * k.Length)) / 2;
                    byte[] from = new byte[copyBytes], to = new byte[copyBytes];
                    new Random(3).NextBytes(from);
                    bool convert = type == ElementType.F16;
                    var actions = new Action[]
                    {
                        () => SlothfulPooling.Pool(plan, type, x, b, c, k, v, LerpPolicy.Fused, maxThreads: 1),
                        () => from.AsSpan().CopyTo(to),
                        convert ? () => ConvertOnly(x, b, h, w, c, k, v) : () => TraverseOnly(x, b, h, w, c, k, v),
                        convert ? () => SlothfulPooling.Pool(plan, type, x, b, c, k, v, LerpPolicy.Fused, 1, finiteHalfPath: false) : () => { },
                    };
                    double[] best = InterleavedTiming.Best(actions, secondsPerRow, minRounds: 10);
                    Console.WriteLine(
                        $"micro {name} {type} {SlothfulNames.ModeName(mode)} {best[0]:E6} {best[1]:E6} {best[2]:E6} {(convert ? best[3] : 0):E6} {x.Length} {2L * k.Length}");
                }
            }
        }
    }

    /// <summary>2×2 windows of binary16, conversions and the window sum only (see the class comment).</summary>
    private static void ConvertOnly(byte[] x, int b, int h, int w, int c, byte[] k, byte[] v)
    {
        fixed (byte* xp = x)
        fixed (byte* kp = k)
        fixed (byte* vp = v)
        {
            long token = (long)c * 2;
            int outW = w / 2, outH = h / 2;
            for (int bi = 0; bi < b; bi++)
            {
                for (int r = 0; r < outH; r++)
                {
                    for (int q = 0; q < outW; q++)
                    {
                        byte* src = xp + ((((long)bi * h * w) + ((long)r * 2 * w) + (q * 2L)) * token);
                        long o = ((((long)bi * outH * outW) + ((long)r * outW) + q) * token);
                        ConvertRow(src, kp + o, vp + o, c, token, w * token);
                    }
                }
            }
        }
    }

    /// <summary>binary32: the window sum and two stores only, the memory traffic of the kernel without its arithmetic.</summary>
    private static void TraverseOnly(byte[] x, int b, int h, int w, int c, byte[] k, byte[] v)
    {
        fixed (byte* xp = x)
        fixed (byte* kp = k)
        fixed (byte* vp = v)
        {
            long token = (long)c * 4;
            int outW = w / 2, outH = h / 2;
            for (int bi = 0; bi < b; bi++)
            {
                for (int r = 0; r < outH; r++)
                {
                    for (int q = 0; q < outW; q++)
                    {
                        byte* src = xp + ((((long)bi * h * w) + ((long)r * 2 * w) + (q * 2L)) * token);
                        long o = ((((long)bi * outH * outW) + ((long)r * outW) + q) * token);
                        TraverseRow(src, kp + o, vp + o, c, token, w * token);
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TraverseRow(byte* src, byte* k, byte* v, int c, long token, long pitch)
    {
        for (int i = 0; i + 16 <= c; i += 16)
        {
            byte* s = src + (i * 4L);
            Vector512<float> sum = Vector512.Load((float*)s) + Vector512.Load((float*)(s + token))
                + Vector512.Load((float*)(s + pitch)) + Vector512.Load((float*)(s + pitch + token));
            Vector512.Store(sum, (float*)(k + (i * 4L)));
            Vector512.Store(sum, (float*)(v + (i * 4L)));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ConvertRow(byte* src, byte* k, byte* v, int c, long token, long pitch)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= c; i += 16)
            {
                byte* s = src + (i * 2L);
                Vector512<float> sum = SlothfulF16Codec.Load512(ref *s) + SlothfulF16Codec.Load512(ref *(s + token))
                    + SlothfulF16Codec.Load512(ref *(s + pitch)) + SlothfulF16Codec.Load512(ref *(s + pitch + token));
                SlothfulF16Codec.Store512(ref *(k + (i * 2L)), sum);
                SlothfulF16Codec.Store512(ref *(v + (i * 2L)), sum);
            }
        }

        for (; i + 8 <= c; i += 8)
        {
            byte* s = src + (i * 2L);
            Vector256<float> sum = SlothfulF16Codec.Load256(ref *s) + SlothfulF16Codec.Load256(ref *(s + token))
                + SlothfulF16Codec.Load256(ref *(s + pitch)) + SlothfulF16Codec.Load256(ref *(s + pitch + token));
            SlothfulF16Codec.Store256(ref *(k + (i * 2L)), sum);
            SlothfulF16Codec.Store256(ref *(v + (i * 2L)), sum);
        }
    }
}
