using Fast.Kernels;
using Fast.Kernels.Filters;

namespace Fast.Merging.Execution.Calcmodes;

/// <summary>smoothAdd (SPEC §4): <c>D = round_to(B's dtype, B − C)</c>, <c>F = gaussian(median(D))</c>, result <c>A + (α·F)</c> in f32.</summary>
internal static class SmoothAdd
{
    public static void Run(Operands operands, float alpha, int filterThreads, Span<float> result)
    {
        Span<float> difference = operands.Widened(operands.B, operands.TypeB);
        Span<float> c = operands.Widened(operands.C, operands.TypeC);
        MergeKernels.Subtract(difference, c, difference);
        ElementConvert.RoundTo(difference, operands.TypeB);

        int[] shape = operands.IntShape;
        Span<float> filtered = difference;
        SmoothingFilter.Apply(filtered, c, shape, filterThreads); // C is no longer needed: it is the scratch

        ElementConvert.Widen(operands.A, operands.TypeA, result);
        MergeKernels.AddScaled(result, filtered, alpha, result);
    }
}
