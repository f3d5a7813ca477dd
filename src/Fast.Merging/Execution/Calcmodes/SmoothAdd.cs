using Fast.Kernels;
using Fast.Kernels.Filters;

namespace Fast.Merging.Execution.Calcmodes;

/// <summary>
/// smoothAdd (SPEC §4): <c>D = round_to(B's dtype, B − C)</c> in add difference, raw B in the reference's other modes
/// (ws, ts, st), <c>F = gaussian(median(D))</c>, result <c>A + (α·F)</c> in f32.
/// </summary>
internal static class SmoothAdd
{
    public static void Run(Operands operands, float alpha, int filterThreads, bool onDifference, Span<float> result)
    {
        Span<float> difference = operands.Widened(operands.B, operands.TypeB);
        Span<float> c = onDifference ? operands.Widened(operands.C, operands.TypeC) : operands.Rent<float>(operands.Count);
        if (onDifference)
        {
            MergeKernels.Subtract(difference, c, difference);
            ElementConvert.RoundTo(difference, operands.TypeB);
        }

        int[] shape = operands.IntShape;
        Span<float> filtered = difference;
        SmoothingFilter.Apply(filtered, c, shape, filterThreads); // C is no longer needed: it is the scratch

        ElementConvert.Widen(operands.A, operands.TypeA, result);
        MergeKernels.AddScaled(result, filtered, alpha, result);
    }
}
