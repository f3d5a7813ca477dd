using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Fast.Kernels.Simd;

namespace Fast.Kernels.Attention;

/// <summary>
/// The binary16 pooling kernel for finite inputs, where <see cref="SlothfulKernel"/>'s general conversions are most of
/// the work. Elements are widened into binary32 scaled by 2^-112 (two integer operations; .NET 10 exposes no F16C or
/// AVX-512 FP16 conversion), the window is reduced there and scaled back once, and rounding to binary16 needs no
/// overflow or NaN cases (<see cref="ISlothfulHalfLanes{TV}"/>). The same bits as the general kernel:
/// <list type="bullet">
/// <item>avg: every binary16 value is a multiple of 2^-24, so every partial sum below 2^-14 is exact in both spaces
/// (a subnormal there, exact because 2^-149 divides 2^-136) and every larger one rounds in the normal range, where
/// binary32 rounding commutes with a power-of-two scaling; the division runs on the scaled-back sum, as the spec's;</item>
/// <item>max: scaling preserves order and ±0, so maxps's e &gt; m decisions are torch's (no NaN here);</item>
/// <item>the blend: one and pool are finite binary16 values, and a lerp with a weight in [0, 1] lies between them.</item>
/// </list>
/// A row whose inputs hold ±∞ or a NaN is recomputed by the general kernel (its fast results are overwritten); a
/// thread without IEEE subnormals never comes here (<see cref="SlothfulDenormals"/>).
/// </summary>
internal static unsafe class SlothfulHalfKernel
{
    /// <summary>Whether this thread may run <paramref name="job"/> here (not the shortcut, which converts nothing; SIMD; subnormals kept).</summary>
    public static bool Applies(in SlothfulKernel.Job job) =>
        !job.Shortcut && SimdWidth.Widest >= 128 && SlothfulDenormals.AreHonoured();

    public static void Rows(in SlothfulKernel.Job job, int start, int end)
    {
        if (job.Max)
        {
            Rows<FiniteHalfMax, MaxReduction>(job, start, end);
        }
        else
        {
            Rows<FiniteHalfAvg, AvgReduction>(job, start, end);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows<TR, TGeneral>(in SlothfulKernel.Job job, int start, int end)
        where TR : IFiniteHalfReduction
        where TGeneral : ISlothfulReduction
    {
        int width = SimdWidth.Widest;
        long rowBytes = (long)job.C * 2;
        var window = new SlothfulKernel.Window(job, 2);
        for (int row = start; row < end; row++)
        {
            int b = row / job.M, j = row - (b * job.M);
            byte* src = job.X + ((((long)b * job.N) + job.Geometry.Origin(j)) * rowBytes);
            byte* k = job.K + (row * rowBytes);
            byte* v = job.V == null ? null : job.V + (row * rowBytes);
            bool finite = true;
            int c = 0;
            if (width >= 512)
            {
                c = Chunks<TR, Lanes512, Vector512<float>>(job, window, src, k, v, c, ref finite);
            }

            if (width >= 256)
            {
                c = Chunks<TR, Lanes256, Vector256<float>>(job, window, src, k, v, c, ref finite);
            }

            c = Chunks<TR, Lanes128, Vector128<float>>(job, window, src, k, v, c, ref finite);
            if (finite)
            {
                SlothfulKernel.Chunks<TGeneral, Lanes1, float, SlothfulF16Codec>(job, window, src, k, v, c);
            }
            else
            {
                SlothfulKernel.Rows<TGeneral, SlothfulF16Codec>(job, row, row + 1);
            }
        }
    }

    /// <summary>Channels [c, last full chunk) of one row; returns where it stopped, and clears <paramref name="finite"/> on an ±∞ or NaN input.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Chunks<TR, TL, TV>(in SlothfulKernel.Job job, in SlothfulKernel.Window window, byte* src, byte* k, byte* v, int c, ref bool finite)
        where TR : IFiniteHalfReduction
        where TL : ISlothfulHalfLanes<TV>
        where TV : struct
    {
        TV seen = default;
        bool fused = job.Fused, vSeparate = job.VSeparate;
        bool kFromA = SlothfulKernel.LerpFromA(job.KWeight), vFromA = SlothfulKernel.LerpFromA(job.VWeight);
        TV kFactor = TL.Splat(SlothfulKernel.LerpFactor(job.KWeight, fused)), vFactor = TL.Splat(SlothfulKernel.LerpFactor(job.VWeight, fused));
        for (; c + TL.Count <= job.C; c += TL.Count)
        {
            long offset = (long)c * 2;
            TV pool = TR.Pool<TL, TV>(src + offset, window, ref seen, out TV one);
            TV d = TL.Sub(pool, one);
            TV kOut = SlothfulKernel.Lerp<TL, TV>(one, pool, d, kFactor, kFromA, fused);
            TL.StoreFinite(k + offset, kOut);
            if (v != null)
            {
                TL.StoreFinite(v + offset, vSeparate ? SlothfulKernel.Lerp<TL, TV>(one, pool, d, vFactor, vFromA, fused) : kOut);
            }
        }

        if (TL.SawNonFinite(seen))
        {
            finite = false;
        }

        return c;
    }
}

/// <summary>A window reduction of <see cref="SlothfulHalfKernel"/>: the pooled value (rounded to binary16) and the sample, in binary32.</summary>
internal unsafe interface IFiniteHalfReduction
{
    static abstract TV Pool<TL, TV>(byte* at, in SlothfulKernel.Window window, ref TV seen, out TV one)
        where TL : ISlothfulHalfLanes<TV>
        where TV : struct;
}

/// <summary>2D_AVG / 1D_AVG on scaled values: the sequential sum in window order, scaled back, divided, rounded.</summary>
internal readonly struct FiniteHalfAvg : IFiniteHalfReduction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe TV Pool<TL, TV>(byte* at, in SlothfulKernel.Window window, ref TV seen, out TV one)
        where TL : ISlothfulHalfLanes<TV>
        where TV : struct
    {
        // +0 + x_first is both the sample (−0 → +0) and the sum's first step.
        TV acc = TL.Add(TL.Splat(0f), TL.LoadScaled(at, ref seen));
        one = TL.ScaleUp(acc);
        int rows = window.Rows, cols = window.Cols;
        long token = window.TokenBytes, pitch = window.PitchBytes;
        if (rows == 2 && cols == 2)
        {
            // The 2×2 window of stride 4, the schedule's most common, without loop overhead (same order).
            acc = TL.Add(acc, TL.LoadScaled(at + token, ref seen));
            acc = TL.Add(acc, TL.LoadScaled(at + pitch, ref seen));
            acc = TL.Add(acc, TL.LoadScaled(at + pitch + token, ref seen));
        }
        else
        {
            byte* e = at + token;
            for (int dx = 1; dx < cols; dx++, e += token)
            {
                acc = TL.Add(acc, TL.LoadScaled(e, ref seen));
            }

            byte* line = at;
            for (int dy = 1; dy < rows; dy++)
            {
                line += pitch;
                e = line;
                for (int dx = 0; dx < cols; dx++, e += token)
                {
                    acc = TL.Add(acc, TL.LoadScaled(e, ref seen));
                }
            }
        }

        // acc is the spec's sum S times 2^-112 exactly, so acc / (count · 2^-112) is RN(S / count); for a power-of-two
        // count acc · (2^112 / count) is the same exact quotient, rounded once.
        TV mean = window.CountIsPowerOfTwo ? TL.Mul(acc, TL.Splat(window.ScaledReciprocal)) : TL.Div(acc, TL.Splat(window.ScaledCount));
        return TL.RoundFinite(mean);
    }
}

/// <summary>2D_MAX / 1D_MAX on scaled values: torch's max step in window order (first of ties), scaled back; exact.</summary>
internal readonly struct FiniteHalfMax : IFiniteHalfReduction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe TV Pool<TL, TV>(byte* at, in SlothfulKernel.Window window, ref TV seen, out TV one)
        where TL : ISlothfulHalfLanes<TV>
        where TV : struct
    {
        // max(−∞, first) is first: the reduction starts from it.
        TV first = TL.LoadScaled(at, ref seen);
        TV max = first;
        int rows = window.Rows, cols = window.Cols;
        long token = window.TokenBytes, pitch = window.PitchBytes;
        if (rows == 2 && cols == 2)
        {
            max = TL.TakeIfGreater(TL.LoadScaled(at + token, ref seen), max);
            max = TL.TakeIfGreater(TL.LoadScaled(at + pitch, ref seen), max);
            max = TL.TakeIfGreater(TL.LoadScaled(at + pitch + token, ref seen), max);
        }
        else
        {
            byte* e = at + token;
            for (int dx = 1; dx < cols; dx++, e += token)
            {
                max = TL.TakeIfGreater(TL.LoadScaled(e, ref seen), max);
            }

            byte* line = at;
            for (int dy = 1; dy < rows; dy++)
            {
                line += pitch;
                e = line;
                for (int dx = 0; dx < cols; dx++, e += token)
                {
                    max = TL.TakeIfGreater(TL.LoadScaled(e, ref seen), max);
                }
            }
        }

        one = TL.ScaleUp(TL.Add(TL.Splat(0f), first));
        return TL.ScaleUp(max);
    }
}
