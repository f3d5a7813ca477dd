using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Fast.Kernels.Conversion;
using Fast.Kernels.Simd;

namespace Fast.Kernels.Attention;

/// <summary>
/// The per-row pooling kernel. A row is one (batch item, output token); its channels are processed in vectors of
/// 16/8/4 lanes and a scalar tail. Each lane reduces its window in the node's order (rows outer, columns inner;
/// 1D in token order), so the result does not depend on the vector width or on how rows are split over threads.
/// </summary>
internal static unsafe class SlothfulKernel
{
    /// <summary>Everything a row needs, resolved once per call.</summary>
    internal readonly struct Job
    {
        public required byte* X { get; init; }

        public required byte* K { get; init; }

        /// <summary>Null: V is not written (the caller uses K).</summary>
        public required byte* V { get; init; }

        public required int N { get; init; }

        public required int C { get; init; }

        public required int M { get; init; }

        /// <summary>Output windows per output row (2D); 0 for 1D.</summary>
        public required int OutWidth { get; init; }

        /// <summary>1D: tokens per window step; 2D: columns per window step (sx).</summary>
        public required int StepX { get; init; }

        /// <summary>2D: tokens from one window row of outputs to the next (sy · w).</summary>
        public required int StepY { get; init; }

        /// <summary>Window rows and columns (1D: 1 × s).</summary>
        public required int WinRows { get; init; }

        public required int WinCols { get; init; }

        /// <summary>Tokens between window rows (w).</summary>
        public required int RowPitch { get; init; }

        public required bool Max { get; init; }

        public required bool Shortcut { get; init; }

        /// <summary>V has its own blend (otherwise V, when written, is a copy of K).</summary>
        public required bool VSeparate { get; init; }

        public required float KWeight { get; init; }

        public required float VWeight { get; init; }

        public required bool Fused { get; init; }
    }

    public static void Rows<TC>(in Job job, int start, int end)
        where TC : IElementCodec
    {
        int size = TC.Size;
        int width = SimdWidth.Widest;
        long rowBytes = (long)job.C * size;
        for (int row = start; row < end; row++)
        {
            int b = row / job.M, j = row - (b * job.M);
            long origin = job.OutWidth == 0
                ? (long)j * job.StepX
                : ((long)(j / job.OutWidth) * job.StepY) + ((long)(j % job.OutWidth) * job.StepX);
            byte* src = job.X + ((((long)b * job.N) + origin) * rowBytes);
            byte* k = job.K + (row * rowBytes);
            byte* v = job.V == null ? null : job.V + (row * rowBytes);
            int c = 0;
            if (width >= 512)
            {
                c = Chunks<Lanes512, Vector512<float>, TC>(job, src, k, v, c);
            }

            if (width >= 256)
            {
                c = Chunks<Lanes256, Vector256<float>, TC>(job, src, k, v, c);
            }

            if (width >= 128)
            {
                c = Chunks<Lanes128, Vector128<float>, TC>(job, src, k, v, c);
            }

            Chunks<Lanes1, float, TC>(job, src, k, v, c);
        }
    }

    /// <summary>Channels [c, last full chunk) of one row; returns where it stopped.</summary>
    private static int Chunks<TL, TV, TC>(in Job job, byte* src, byte* k, byte* v, int c)
        where TL : ISlothfulLanes<TV>
        where TV : struct
        where TC : IElementCodec
    {
        int size = TC.Size;
        long tokenBytes = (long)job.C * size;
        long pitchBytes = job.RowPitch * tokenBytes;
        float count = job.WinRows * job.WinCols;
        for (; c + TL.Count <= job.C; c += TL.Count)
        {
            byte* at = src + ((long)c * size);

            // "one": avg_pool with kernel 1 = (+0 + x) / 1, which turns −0 into +0 and is otherwise exact in F.
            TV one = TL.Add(TL.Splat(0f), TL.Load<TC>(ref *at));
            if (job.Shortcut)
            {
                Store<TL, TV, TC>(k, v, c * size, one);
                continue;
            }

            TV pool;
            if (job.Max)
            {
                pool = TL.Splat(float.NegativeInfinity);
                for (int dy = 0; dy < job.WinRows; dy++)
                {
                    byte* line = at + (dy * pitchBytes);
                    for (int dx = 0; dx < job.WinCols; dx++)
                    {
                        pool = TL.MaxStep(pool, TL.Load<TC>(ref *(line + (dx * tokenBytes))));
                    }
                }
            }
            else
            {
                TV acc = TL.Splat(0f);
                for (int dy = 0; dy < job.WinRows; dy++)
                {
                    byte* line = at + (dy * pitchBytes);
                    for (int dx = 0; dx < job.WinCols; dx++)
                    {
                        acc = TL.Add(acc, TL.Load<TC>(ref *(line + (dx * tokenBytes))));
                    }
                }

                // True division (SPEC R5), then the pool kernel's own rounding to F (R6).
                pool = RoundToStorage<TL, TV, TC>(TL.Div(acc, TL.Splat(count)));
            }

            // The lerp's rounding to F is the store itself (no round trip needed for values that are only stored).
            TV kOut = Lerp<TL, TV>(one, pool, job.KWeight, job.Fused);
            TL.Store<TC>(ref *(k + ((long)c * size)), kOut);
            if (v != null)
            {
                TV vOut = job.VSeparate ? Lerp<TL, TV>(one, pool, job.VWeight, job.Fused) : kOut;
                TL.Store<TC>(ref *(v + ((long)c * size)), vOut);
            }
        }

        return c;
    }

    private static void Store<TL, TV, TC>(byte* k, byte* v, long offset, TV value)
        where TL : ISlothfulLanes<TV>
        where TV : struct
        where TC : IElementCodec
    {
        TL.Store<TC>(ref *(k + offset), value);
        if (v != null)
        {
            TL.Store<TC>(ref *(v + offset), value);
        }
    }

    /// <summary>torch.lerp with a float weight (SPEC §7.3): the branch on |w| &lt; 0.5, fused or not.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Lerp<TL, TV>(TV a, TV b, float w, bool fused)
        where TL : ISlothfulLanes<TV>
        where TV : struct
    {
        TV d = TL.Sub(b, a);
        if (MathF.Abs(w) < 0.5f)
        {
            return fused ? TL.Fma(TL.Splat(w), d, a) : TL.Add(a, TL.Mul(TL.Splat(w), d));
        }

        // 1 − w is exact for w in [0.5, 1]; −d is a sign flip (multiplying by −1 keeps −0 distinct from +0).
        TV oneMinusW = TL.Splat(1f - w);
        return fused ? TL.Fma(TL.Mul(TL.Splat(-1f), d), oneMinusW, b) : TL.Sub(b, TL.Mul(d, oneMinusW));
    }

    /// <summary>rnd_F: through the storage format and back (identity for F32, where the JIT drops it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV RoundToStorage<TL, TV, TC>(TV value)
        where TL : ISlothfulLanes<TV>
        where TV : struct
        where TC : IElementCodec
    {
        if (typeof(TC) == typeof(F32Codec))
        {
            return value;
        }

        Vector512<float> scratch = default;
        ref byte at = ref Unsafe.As<Vector512<float>, byte>(ref scratch);
        TL.Store<TC>(ref at, value);
        return TL.Load<TC>(ref at);
    }
}
