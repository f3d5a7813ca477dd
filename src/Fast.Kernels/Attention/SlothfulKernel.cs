using System.Numerics;
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

        public required SlothfulGeometry Geometry { get; init; }

        public required bool Max { get; init; }

        public required bool Shortcut { get; init; }

        /// <summary>V has its own blend (otherwise V, when written, is a copy of K).</summary>
        public required bool VSeparate { get; init; }

        public required float KWeight { get; init; }

        public required float VWeight { get; init; }

        public required bool Fused { get; init; }

        /// <summary>binary16 rows may take <see cref="SlothfulHalfKernel"/> (false: the general kernel only).</summary>
        public bool FiniteHalfPath { get; init; }
    }

    /// <summary>A window in bytes, for one storage type.</summary>
    internal readonly struct Window
    {
        public Window(in Job job, int size)
        {
            Rows = job.Geometry.WinRows;
            Cols = job.Geometry.WinCols;
            TokenBytes = (long)job.C * size;
            PitchBytes = job.Geometry.RowPitch * TokenBytes;
            int count = Rows * Cols;
            Count = count;
            CountIsPowerOfTwo = BitOperations.IsPow2(count);
            Reciprocal = 1f / count;
            ScaledCount = count * SlothfulFiniteHalf.ScaleDown;
            ScaledReciprocal = SlothfulFiniteHalf.ScaleUp / count;
        }

        public int Rows { get; }

        public int Cols { get; }

        /// <summary>Bytes from one token to the next.</summary>
        public long TokenBytes { get; }

        /// <summary>Bytes from one window row to the next.</summary>
        public long PitchBytes { get; }

        /// <summary>Elements in the window, the average's divisor.</summary>
        public float Count { get; }

        /// <summary>
        /// A power-of-two count: dividing by it and multiplying by <see cref="Reciprocal"/> are the same correctly rounded
        /// operation on the same exact quotient (SPEC R5's reciprocal differs only for other counts), and the multiply
        /// is several times cheaper.
        /// </summary>
        public bool CountIsPowerOfTwo { get; }

        /// <summary>1 / count, exact when <see cref="CountIsPowerOfTwo"/>.</summary>
        public float Reciprocal { get; }

        /// <summary>count · 2^-112, the divisor of a sum of values scaled by 2^-112 (<see cref="SlothfulHalfKernel"/>); exact.</summary>
        public float ScaledCount { get; }

        /// <summary>2^112 / count, exact when <see cref="CountIsPowerOfTwo"/>: scales a scaled sum back and divides in one rounding.</summary>
        public float ScaledReciprocal { get; }
    }

    public static void Rows<TC>(in Job job, int start, int end)
        where TC : IElementCodec
    {
        if (job.Shortcut)
        {
            Rows<SampleOnly, TC>(job, start, end);
        }
        else if (job.Max)
        {
            Rows<MaxReduction, TC>(job, start, end);
        }
        else
        {
            Rows<AvgReduction, TC>(job, start, end);
        }
    }

    // Full optimisation at once: the tiers would time (and profile) the first calls of a host's U-Net step on
    // unoptimised code, and under tiered PGO a layout learned on one call's blend weights.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Rows<TR, TC>(in Job job, int start, int end)
        where TR : ISlothfulReduction
        where TC : IElementCodec
    {
        int width = SimdWidth.Widest;
        long rowBytes = (long)job.C * TC.Size;
        var window = new Window(job, TC.Size);
        for (int row = start; row < end; row++)
        {
            int b = row / job.M, j = row - (b * job.M);
            byte* src = job.X + ((((long)b * job.N) + job.Geometry.Origin(j)) * rowBytes);
            byte* k = job.K + (row * rowBytes);
            byte* v = job.V == null ? null : job.V + (row * rowBytes);
            int c = 0;
            if (width >= 512)
            {
                c = Chunks<TR, Lanes512, Vector512<float>, TC>(job, window, src, k, v, c);
            }

            if (width >= 256)
            {
                c = Chunks<TR, Lanes256, Vector256<float>, TC>(job, window, src, k, v, c);
            }

            if (width >= 128)
            {
                c = Chunks<TR, Lanes128, Vector128<float>, TC>(job, window, src, k, v, c);
            }

            Chunks<TR, Lanes1, float, TC>(job, window, src, k, v, c);
        }
    }

    /// <summary>Channels [c, last full chunk) of one row; returns where it stopped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int Chunks<TR, TL, TV, TC>(in Job job, in Window window, byte* src, byte* k, byte* v, int c)
        where TR : ISlothfulReduction
        where TL : ISlothfulLanes<TV>
        where TV : struct
        where TC : IElementCodec
    {
        int size = TC.Size;
        bool fused = job.Fused, vSeparate = job.VSeparate, kFromA = LerpFromA(job.KWeight), vFromA = LerpFromA(job.VWeight);
        TV kFactor = TL.Splat(LerpFactor(job.KWeight, fused)), vFactor = TL.Splat(LerpFactor(job.VWeight, fused));
        for (; c + TL.Count <= job.C; c += TL.Count)
        {
            long offset = (long)c * size;
            TV pool = TR.Pool<TL, TV, TC>(src + offset, window, out TV one);
            if (!TR.Pools)
            {
                TL.Store<TC>(ref *(k + offset), one);
                if (v != null)
                {
                    TL.Store<TC>(ref *(v + offset), one);
                }

                continue;
            }

            // One difference serves both blends. The lerp's rounding to F is the store itself.
            TV d = TL.Sub(pool, one);
            TV kOut = Lerp<TL, TV>(one, pool, d, kFactor, kFromA, fused);
            TL.Store<TC>(ref *(k + offset), kOut);
            if (v != null)
            {
                TV vOut = vSeparate ? Lerp<TL, TV>(one, pool, d, vFactor, vFromA, fused) : kOut;
                TL.Store<TC>(ref *(v + offset), vOut);
            }
        }

        return c;
    }

    /// <summary>
    /// torch.lerp with a float weight (SPEC §7.3), given d = b − a and <see cref="LerpFactor"/>'s broadcast: from a
    /// (|w| &lt; 0.5) a + w·d, else from b; fused or not.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV Lerp<TL, TV>(TV a, TV b, TV d, TV factor, bool fromA, bool fused)
        where TL : ISlothfulLanes<TV>
        where TV : struct
    {
        if (fromA)
        {
            return fused ? TL.Fma(factor, d, a) : TL.Add(a, TL.Mul(factor, d));
        }

        return fused ? TL.Fma(factor, d, b) : TL.Sub(b, TL.Mul(d, factor));
    }

    /// <summary>Whether torch's lerp starts from a for weight <paramref name="w"/>.</summary>
    internal static bool LerpFromA(float w) => MathF.Abs(w) < 0.5f;

    /// <summary>
    /// The lerp's multiplier, decided once per call: w from a; from b, fused, −(1 − w), so FMA(−(1 − w), d, b) is the
    /// spec's FMA(−d, 1 − w, b) in one instruction (the fused product is exact and has the same sign, −0 included);
    /// from b, unfused, 1 − w (exact for w in [0.5, 1]), as b − rnd(d·(1 − w)). Not w − 1: at w = 1 that is +0, whose
    /// product with a negative d is −0, and −0 + (−0) keeps a −0 that the spec's +0 product turns into +0.
    /// </summary>
    internal static float LerpFactor(float w, bool fused) => LerpFromA(w) ? w : fused ? -(1f - w) : 1f - w;
}
