using System.Diagnostics;
using Fast.Kernels;
using Fast.Kernels.Attention;

namespace Fast.Bench.Attention;

/// <summary>
/// Plain timings for bench/slothful_vs_torch.py: SlothfulAttention pooling (2×2 windows, k 0.3 / v 0.7, all cores)
/// on the shapes, and the machine's read+write bandwidth (a parallel copy) measured in the same run.
/// Prints "pool SHAPE DTYPE MODE SECONDS IN_BYTES OUT_BYTES" and "bandwidth BYTES_PER_SECOND".
/// </summary>
internal static class SlothfulComparison
{
    public static readonly (string Name, int B, int H, int W, int C)[] Shapes =
        [("sd15-512", 2, 64, 64, 320), ("sdxl-1024-640", 2, 64, 64, 640), ("sdxl-1024-1280", 2, 32, 32, 1280)];

    public static void Run()
    {
        Console.WriteLine($"bandwidth {Bandwidth():F0}");
        foreach ((string name, int b, int h, int w, int c) in Shapes)
        {
            foreach (ElementType type in new[] { ElementType.F32, ElementType.F16 })
            {
                foreach (SlothfulMode mode in new[] { SlothfulMode.Avg2D, SlothfulMode.Max2D })
                {
                    int size = ElementTypeInfo.SizeOf(type);
                    SlothfulPlan plan = SlothfulPlan.ForStride(4.0, mode, 0.3, 0.7, h * w, (h, w), SlothfulCompat.Fixed);
                    byte[] x = new byte[(long)b * h * w * c * size];
                    new Random(1).NextBytes(x);
                    for (int i = 0; i < x.Length; i += size)
                    {
                        x[i + size - 1] &= 0x3F;      // finite, moderate values in both formats
                    }

                    byte[] k = new byte[SlothfulPooling.OutputElements(plan, b, c) * size];
                    byte[] v = new byte[k.Length];
                    double best = Best(() => SlothfulPooling.Pool(plan, type, x, b, c, k, v));
                    Console.WriteLine($"pool {name} {type} {SlothfulNames.ModeName(mode)} {best:E6} {x.Length} {2L * k.Length}");
                }
            }
        }
    }

    private static double Best(Action action)
    {
        action();
        double best = double.MaxValue;
        var total = Stopwatch.StartNew();
        for (int i = 0; i < 200 && (i < 5 || total.Elapsed.TotalSeconds < 1.0); i++)
        {
            long t = Stopwatch.GetTimestamp();
            action();
            best = Math.Min(best, Stopwatch.GetElapsedTime(t).TotalSeconds);
        }

        return best;
    }

    /// <summary>Bytes read + written per second by a copy split over all cores (64 MiB, out of cache).</summary>
    private static double Bandwidth()
    {
        const int Bytes = 64 << 20;
        byte[] source = new byte[Bytes], destination = new byte[Bytes];
        new Random(2).NextBytes(source);
        int chunks = Environment.ProcessorCount;
        double best = Best(() => Parallel.For(0, chunks, i =>
        {
            int start = (int)((long)Bytes * i / chunks), end = (int)((long)Bytes * (i + 1) / chunks);
            source.AsSpan(start, end - start).CopyTo(destination.AsSpan(start, end - start));
        }));
        return 2.0 * Bytes / best;
    }
}
