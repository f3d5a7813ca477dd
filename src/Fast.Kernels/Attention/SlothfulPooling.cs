using System.Runtime.InteropServices;
using Fast.Kernels.Conversion;

namespace Fast.Kernels.Attention;

/// <summary>
/// Pools (B, N, C) hidden states into K' and V' (B, M, C) as planned by <see cref="SlothfulPlan"/> (SPEC §7), into
/// caller buffers. Nothing is allocated when the work runs on one thread (maxThreads = 1, or 0 with a
/// small tensor); the parallel path splits (batch, output token) rows over cores, never a window.
/// </summary>
public static unsafe class SlothfulPooling
{
    /// <summary>Below this many output elements the thread hand-off costs more than the work.</summary>
    private const long SequentialBelow = 1 << 15;

    /// <summary>Elements K' (and V') hold: batch · M · C.</summary>
    public static long OutputElements(in SlothfulPlan plan, int batch, int channels) => (long)batch * plan.M * channels;

    /// <summary>
    /// Writes K' into <paramref name="k"/> and V' into <paramref name="v"/>. <paramref name="v"/> may be empty when
    /// <see cref="SlothfulPlan.VSameAsK"/> (the node returns one tensor for both); otherwise it must have K's size.
    /// Not pooled: K' (and V') are copies of x. The buffers hold <paramref name="type"/> elements (F32, F16 or BF16),
    /// channels innermost.
    /// </summary>
    /// <exception cref="SlothfulException">Unsupported type, a buffer whose size does not match B·N·C or B·M·C, V missing, or outputs overlapping x.</exception>
    public static void Pool(
        in SlothfulPlan plan,
        ElementType type,
        ReadOnlySpan<byte> x,
        int batch,
        int channels,
        Span<byte> k,
        Span<byte> v,
        LerpPolicy lerp = LerpPolicy.Fused,
        int maxThreads = 0) =>
        Pool(plan, type, x, batch, channels, k, v, lerp, maxThreads, finiteHalfPath: true);

    /// <summary>
    /// <see cref="Pool(in SlothfulPlan, ElementType, ReadOnlySpan{byte}, int, int, Span{byte}, Span{byte}, LerpPolicy, int)"/>,
    /// with <paramref name="finiteHalfPath"/> false keeping binary16 on the general kernel (so tests hold both to the spec).
    /// </summary>
    internal static void Pool(
        in SlothfulPlan plan,
        ElementType type,
        ReadOnlySpan<byte> x,
        int batch,
        int channels,
        Span<byte> k,
        Span<byte> v,
        LerpPolicy lerp,
        int maxThreads,
        bool finiteHalfPath)
    {
        if (type is not (ElementType.F32 or ElementType.F16 or ElementType.BF16))
        {
            throw new SlothfulException($"SlothfulAttention pools F32, F16 or BF16 hidden states, not {type}");
        }

        if (lerp is not (LerpPolicy.Fused or LerpPolicy.Unfused))
        {
            throw new SlothfulException($"unknown lerp policy {(int)lerp}");
        }

        if (batch <= 0 || channels <= 0 || plan.N <= 0 || plan.M <= 0)
        {
            throw new SlothfulException($"batch ({batch}), channels ({channels}) and the plan's N ({plan.N}) must be positive");
        }

        int size = ElementTypeInfo.SizeOf(type);
        long inBytes = (long)batch * plan.N * channels * size;
        long outBytes = OutputElements(plan, batch, channels) * size;
        if (x.Length != inBytes)
        {
            throw new SlothfulException($"x holds {x.Length} bytes, but B={batch}, N={plan.N}, C={channels} of {type} need {inBytes}");
        }

        if (k.Length != outBytes)
        {
            throw new SlothfulException($"K buffer holds {k.Length} bytes, but B={batch}, M={plan.M}, C={channels} of {type} need {outBytes}");
        }

        if (v.IsEmpty && !plan.VSameAsK)
        {
            throw new SlothfulException("V differs from K for these blends: pass a V buffer");
        }

        if (!v.IsEmpty && v.Length != outBytes)
        {
            throw new SlothfulException($"V buffer holds {v.Length} bytes, but B={batch}, M={plan.M}, C={channels} of {type} need {outBytes}");
        }

        if (!plan.Pooled)
        {
            x.CopyTo(k);
            if (!v.IsEmpty)
            {
                x.CopyTo(v);
            }

            return;
        }

        if (x.Overlaps(k) || (!v.IsEmpty && (x.Overlaps(v) || k.Overlaps(v))))
        {
            throw new SlothfulException("K and V buffers must not overlap x or each other");
        }

        fixed (byte* xp = x)
        fixed (byte* kp = k)
        fixed (byte* vp = v)
        {
            var job = new SlothfulKernel.Job
            {
                X = xp,
                K = kp,
                V = v.IsEmpty ? null : vp,
                N = plan.N,
                C = channels,
                M = plan.M,
                Geometry = SlothfulGeometry.Of(plan),
                Max = SlothfulNames.IsMax(plan.Mode),
                Shortcut = plan.UseShortcut,
                VSeparate = !plan.VSameAsK,
                KWeight = (float)plan.KBlend,                       // the weight is rounded to binary32, not to F
                VWeight = (float)plan.VBlend,
                Fused = lerp == LerpPolicy.Fused,
                FiniteHalfPath = finiteHalfPath,
            };
            Run(job, type, batch * plan.M, outBytes / size, maxThreads);
        }
    }

    /// <summary>F32 convenience overload of <see cref="Pool(in SlothfulPlan, ElementType, ReadOnlySpan{byte}, int, int, Span{byte}, Span{byte}, LerpPolicy, int)"/>.</summary>
    public static void Pool(in SlothfulPlan plan, ReadOnlySpan<float> x, int batch, int channels, Span<float> k, Span<float> v, LerpPolicy lerp = LerpPolicy.Fused, int maxThreads = 0) =>
        Pool(plan, ElementType.F32, MemoryMarshal.AsBytes(x), batch, channels, MemoryMarshal.AsBytes(k), MemoryMarshal.AsBytes(v), lerp, maxThreads);

    /// <summary>F16 convenience overload of <see cref="Pool(in SlothfulPlan, ElementType, ReadOnlySpan{byte}, int, int, Span{byte}, Span{byte}, LerpPolicy, int)"/>.</summary>
    public static void Pool(in SlothfulPlan plan, ReadOnlySpan<Half> x, int batch, int channels, Span<Half> k, Span<Half> v, LerpPolicy lerp = LerpPolicy.Fused, int maxThreads = 0) =>
        Pool(plan, ElementType.F16, MemoryMarshal.AsBytes(x), batch, channels, MemoryMarshal.AsBytes(k), MemoryMarshal.AsBytes(v), lerp, maxThreads);

    private static void Run(SlothfulKernel.Job job, ElementType type, int rows, long outputElements, int maxThreads)
    {
        // An explicit thread count is the caller's decision and is honoured even for small tensors (so a test or a
        // replay with --threads 2 really runs split); the automatic choice keeps small work on the calling thread.
        int cores = maxThreads > 0 ? maxThreads : Environment.ProcessorCount;
        if (cores == 1 || rows <= 1 || (maxThreads <= 0 && outputElements < SequentialBelow))
        {
            RunRows(job, type, 0, rows);
            return;
        }

        int chunks = Math.Min(rows, cores * 4);
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxThreads > 0 ? maxThreads : -1 };
        Parallel.For(0, chunks, options, i =>
        {
            int start = (int)((long)rows * i / chunks);
            int end = (int)((long)rows * (i + 1) / chunks);
            RunRows(job, type, start, end);
        });
    }

    private static void RunRows(in SlothfulKernel.Job job, ElementType type, int start, int end)
    {
        switch (type)
        {
            case ElementType.F32:
                SlothfulKernel.Rows<F32Codec>(job, start, end);
                break;
            case ElementType.F16:
                // Checked per thread: the subnormal mode is a thread's own (SlothfulDenormals).
                if (job.FiniteHalfPath && SlothfulHalfKernel.Applies(job))
                {
                    SlothfulHalfKernel.Rows(job, start, end);
                }
                else
                {
                    SlothfulKernel.Rows<SlothfulF16Codec>(job, start, end);
                }

                break;
            default:
                SlothfulKernel.Rows<BF16Codec>(job, start, end);
                break;
        }
    }
}
