using System.Diagnostics;
using Fast.Kernels;
using Fast.Kernels.Attention;

namespace Fast.Bench.Attention;

/// <summary>
/// Plain timings for bench/slothful_vs_torch.py: SlothfulAttention pooling (2×2 windows, k 0.3 / v 0.7) on the
/// issue's shapes, and the machine's read+write bandwidth (a copy of 64 MiB, out of cache) measured in the same run,
/// on all cores or on <c>THREADS</c> (<c>slothful-compare [THREADS]</c>; 1 = single-thread kernel and copy).
/// Every row runs once before any is timed, so the first row timed does not pay for the thread pool's start.
/// Prints "pool SHAPE DTYPE MODE SECONDS IN_BYTES OUT_BYTES" and "bandwidth BYTES_PER_SECOND".
/// </summary>
internal static class SlothfulComparison
{
    public static readonly (string Name, int B, int H, int W, int C)[] Shapes =
        [("sd15-512", 2, 64, 64, 320), ("sdxl-1024-640", 2, 64, 64, 640), ("sdxl-1024-1280", 2, 32, 32, 1280)];

    public static void Run(int threads)
    {
        var rows = new List<(string Label, Action Pool, long In, long Out)>();
        foreach ((string name, int b, int h, int w, int c) in Shapes)
        {
            foreach (ElementType type in new[] { ElementType.F32, ElementType.F16 })
            {
                foreach (SlothfulMode mode in new[] { SlothfulMode.Avg2D, SlothfulMode.Max2D })
                {
                    int size = ElementTypeInfo.SizeOf(type);
                    SlothfulPlan plan = SlothfulPlan.ForStride(4.0, mode, 0.3, 0.7, h * w, (h, w), SlothfulCompat.Fixed);
                    byte[] x = Input(type, (long)b * h * w * c);
                    byte[] k = new byte[SlothfulPooling.OutputElements(plan, b, c) * size];
                    byte[] v = new byte[k.Length];
                    rows.Add(($"{name} {type} {SlothfulNames.ModeName(mode)}", () => SlothfulPooling.Pool(plan, type, x, b, c, k, v, LerpPolicy.Fused, threads), x.Length, 2L * k.Length));
                }
            }
        }

        foreach ((_, Action pool, _, _) in rows)
        {
            pool();
        }

        foreach ((string label, Action pool, long input, long output) in rows)
        {
            Console.WriteLine($"pool {label} {Best(pool):E6} {input} {output}");
        }

        // Last: its 128 MiB of traffic would otherwise evict the first timed row's tensors just before it runs.
        Console.WriteLine($"bandwidth {Bandwidth(threads):F0}");
    }

    /// <summary>
    /// Hidden states as torch's side of the comparison makes them, randn · 0.5 (seeded), in <paramref name="type"/>:
    /// LayerNorm-like values, so both sides pool the same distribution (random bytes had 1 in 16 binary16 elements
    /// subnormal and some binary32 ones too, which no LayerNorm output has).
    /// </summary>
    public static byte[] Input(ElementType type, long elements)
    {
        var random = new Random(1);
        float[] values = new float[elements];
        for (long i = 0; i < elements; i++)
        {
            // Box–Muller: one normal deviate per pair of uniforms is plenty for a benchmark input.
            double u = 1.0 - random.NextDouble(), t = random.NextDouble();
            values[i] = (float)(0.5 * Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * t));
        }

        if (type == ElementType.F32)
        {
            return System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        }

        var halves = new Half[elements];
        for (long i = 0; i < elements; i++)
        {
            halves[i] = (Half)values[i];
        }

        return System.Runtime.InteropServices.MemoryMarshal.AsBytes(halves.AsSpan()).ToArray();
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

    /// <summary>Bytes read + written per second by a copy split over all cores or <paramref name="threads"/> (64 MiB, out of cache).</summary>
    private static double Bandwidth(int threads)
    {
        const int Bytes = 64 << 20;
        byte[] source = new byte[Bytes], destination = new byte[Bytes];
        new Random(2).NextBytes(source);
        int chunks = threads > 0 ? threads : Environment.ProcessorCount;
        double best = Best(() => Parallel.For(0, chunks, i =>
        {
            int start = (int)((long)Bytes * i / chunks), end = (int)((long)Bytes * (i + 1) / chunks);
            source.AsSpan(start, end - start).CopyTo(destination.AsSpan(start, end - start));
        }));
        return 2.0 * Bytes / best;
    }
}
