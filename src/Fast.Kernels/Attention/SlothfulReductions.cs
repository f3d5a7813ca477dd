using System.Runtime.CompilerServices;
using Fast.Kernels.Conversion;

namespace Fast.Kernels.Attention;

/// <summary>
/// How one vector of channels of a window becomes the pooled value (SPEC §7.2). A type parameter of the kernel, not a
/// flag: each reduction gets its own compiled loop (and its own profile under tiered PGO, so timing avg first does
/// not leave max on a cold path).
/// </summary>
internal unsafe interface ISlothfulReduction
{
    /// <summary>False for the blend shortcut: K' = V' = the sample, no window is read beyond its first element.</summary>
    static abstract bool Pools { get; }

    /// <summary>The pooled value (already rounded to F) of the window at <paramref name="at"/>; <paramref name="one"/> is the sample, +0 + x_first.</summary>
    static abstract TV Pool<TL, TV, TC>(byte* at, in SlothfulKernel.Window window, out TV one)
        where TL : ISlothfulLanes<TV>
        where TV : struct
        where TC : IElementCodec;
}

/// <summary>The compat blend shortcut: only the sample.</summary>
internal readonly struct SampleOnly : ISlothfulReduction
{
    public static bool Pools => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe TV Pool<TL, TV, TC>(byte* at, in SlothfulKernel.Window window, out TV one)
        where TL : ISlothfulLanes<TV>
        where TV : struct
        where TC : IElementCodec
    {
        // "one": avg_pool with kernel 1 = (+0 + x) / 1, which turns −0 into +0 and is otherwise exact in F.
        one = TL.Add(TL.Splat(0f), TL.Load<TC>(ref *at));
        return one;
    }
}

/// <summary>2D_AVG / 1D_AVG: a sequential binary32 sum in window order, a true division, rounded to F.</summary>
internal readonly struct AvgReduction : ISlothfulReduction
{
    public static bool Pools => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe TV Pool<TL, TV, TC>(byte* at, in SlothfulKernel.Window window, out TV one)
        where TL : ISlothfulLanes<TV>
        where TV : struct
        where TC : IElementCodec
    {
        // The sample is the window's first element plus +0, which is also the sum's first step: loaded once.
        one = TL.Add(TL.Splat(0f), TL.Load<TC>(ref *at));
        TV acc = one;
        int rows = window.Rows, cols = window.Cols;
        long token = window.TokenBytes, pitch = window.PitchBytes;
        if (rows == 2 && cols == 2)
        {
            // The 2×2 window of stride 4, the schedule's most common, without loop overhead (same order).
            acc = TL.Add(acc, TL.Load<TC>(ref *(at + token)));
            acc = TL.Add(acc, TL.Load<TC>(ref *(at + pitch)));
            acc = TL.Add(acc, TL.Load<TC>(ref *(at + pitch + token)));
        }
        else
        {
            byte* e = at + token;
            for (int dx = 1; dx < cols; dx++, e += token)
            {
                acc = TL.Add(acc, TL.Load<TC>(ref *e));
            }

            byte* line = at;
            for (int dy = 1; dy < rows; dy++)
            {
                line += pitch;
                e = line;
                for (int dx = 0; dx < cols; dx++, e += token)
                {
                    acc = TL.Add(acc, TL.Load<TC>(ref *e));
                }
            }
        }

        // True division (SPEC R5; a power-of-two count's reciprocal is the same rounding of the same quotient), then
        // the pool kernel's own rounding to F (R6), in registers.
        TV mean = window.CountIsPowerOfTwo ? TL.Mul(acc, TL.Splat(window.Reciprocal)) : TL.Div(acc, TL.Splat(window.Count));
        return TL.Round<TC>(mean);
    }
}

/// <summary>2D_MAX / 1D_MAX: torch's max step in window order (first of ties, last NaN); exact, so not rounded.</summary>
internal readonly struct MaxReduction : ISlothfulReduction
{
    public static bool Pools => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe TV Pool<TL, TV, TC>(byte* at, in SlothfulKernel.Window window, out TV one)
        where TL : ISlothfulLanes<TV>
        where TV : struct
        where TC : IElementCodec
    {
        TV first, max;
        if (TC.Size == 2)
        {
            max = TL.MaxOfHalves<TC>(at, window, out first);
        }
        else
        {
            // max(−∞, first) is first itself (a −∞ first is the same bits), so the reduction starts from it.
            first = TL.Load<TC>(ref *at);
            max = first;
            int rows = window.Rows, cols = window.Cols;
            long token = window.TokenBytes, pitch = window.PitchBytes;
            if (rows == 2 && cols == 2)
            {
                max = TL.MaxStep(max, TL.Load<TC>(ref *(at + token)));
                max = TL.MaxStep(max, TL.Load<TC>(ref *(at + pitch)));
                max = TL.MaxStep(max, TL.Load<TC>(ref *(at + pitch + token)));
            }
            else
            {
                byte* e = at + token;
                for (int dx = 1; dx < cols; dx++, e += token)
                {
                    max = TL.MaxStep(max, TL.Load<TC>(ref *e));
                }

                byte* line = at;
                for (int dy = 1; dy < rows; dy++)
                {
                    line += pitch;
                    e = line;
                    for (int dx = 0; dx < cols; dx++, e += token)
                    {
                        max = TL.MaxStep(max, TL.Load<TC>(ref *e));
                    }
                }
            }
        }

        one = TL.Add(TL.Splat(0f), first);
        return max;
    }
}
