using System.Diagnostics;
using Fast.Kernels.Attention;
using Fast.Kernels.Gpu;

namespace Fast.Bench.Attention;

/// <summary>
/// Plain timings for <c>bench/slothful_vs_torch.py --cuda</c>: the ILGPU SlothfulAttention pooling on the first CUDA
/// device, on the same shapes, types and blends as <see cref="SlothfulComparison"/>. The hidden states, K and V stay
/// on the device (as in a host that runs its U-Net there); each timed call is one pooling launch plus the
/// synchronisation that ends it. Prints "gpupool SHAPE DTYPE MODE SECONDS IN_BYTES OUT_BYTES" (bytes as stored,
/// so the torch side's bandwidth floor applies) or "skipped REASON" without CUDA.
/// </summary>
internal static class SlothfulGpuComparison
{
    public static void Run()
    {
        if (!GpuMergeBackend.TryCreate(GpuPreference.Cuda, out GpuMergeBackend? backend, out string reason))
        {
            Console.WriteLine($"skipped {reason}");
            return;
        }

        using (backend)
        {
            Console.WriteLine($"device {backend!.DeviceName}");
            foreach ((string name, int b, int h, int w, int c) in SlothfulComparison.Shapes)
            {
                foreach ((GpuElementType type, int size) in new[] { (GpuElementType.F32, 4), (GpuElementType.F16, 2) })
                {
                    foreach (SlothfulMode mode in new[] { SlothfulMode.Avg2D, SlothfulMode.Max2D })
                    {
                        SlothfulPlan plan = SlothfulPlan.ForStride(4.0, mode, 0.3, 0.7, h * w, (h, w), SlothfulCompat.Fixed);
                        byte[] x = new byte[(long)b * h * w * c * size];
                        new Random(1).NextBytes(x);
                        for (int i = 0; i < x.Length; i += size)
                        {
                            x[i + size - 1] &= 0x3F;      // finite, moderate values in both formats
                        }

                        long outElements = SlothfulPooling.OutputElements(plan, b, c);
                        using GpuTensor input = backend.Upload(x, type);
                        using GpuTensor k = backend.Allocate(outElements), v = backend.Allocate(outElements);
                        double best = Best(() =>
                        {
                            backend.SlothfulPool(plan, input, b, c, type, k, v);
                            backend.Synchronize();
                        });
                        Console.WriteLine($"gpupool {name} {type} {SlothfulNames.ModeName(mode)} {best:E6} {x.Length} {2L * outElements * size}");
                    }
                }
            }
        }
    }

    private static double Best(Action action)
    {
        for (int i = 0; i < 3; i++)
        {
            action();       // the first call compiles the kernel
        }

        double best = double.MaxValue;
        var total = Stopwatch.StartNew();
        for (int i = 0; i < 500 && (i < 20 || total.Elapsed.TotalSeconds < 0.5); i++)
        {
            long t = Stopwatch.GetTimestamp();
            action();
            best = Math.Min(best, Stopwatch.GetElapsedTime(t).TotalSeconds);
        }

        return best;
    }
}
