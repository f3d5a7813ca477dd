using Fast.Kernels;
using Fast.Merging.Recipes;

namespace Fast.Merging.Execution;

/// <summary>Calcmode <c>normal</c> (SPEC §3) on stored elements with the SIMD kernels.</summary>
internal static class ElementwiseMerge
{
    public static void Run(
        MergeMode mode,
        ReadOnlySpan<byte> a, ElementType typeA,
        ReadOnlySpan<byte> b, ElementType typeB,
        ReadOnlySpan<byte> c, ElementType typeC,
        double alpha, double beta,
        Span<byte> destination, ElementType typeOut)
    {
        switch (mode)
        {
            case MergeMode.WeightSum:
                MergeKernels.Lerp(a, typeA, b, typeB, (float)alpha, destination, typeOut);
                break;
            case MergeMode.ScaledSum:
                MergeKernels.ScaledSum(a, typeA, b, typeB, (float)alpha, (float)beta, destination, typeOut);
                break;
            case MergeMode.AddDifference:
                MergeKernels.AddDifference(a, typeA, b, typeB, c, typeC, (float)alpha, destination, typeOut);
                break;
            case MergeMode.TripleSum:
                // SPEC §3: the triple-sum weights are computed in double from the decimal α and β.
                MergeKernels.TripleSum(a, typeA, b, typeB, c, typeC, alpha, beta, destination, typeOut);
                break;
            default:
                MergeKernels.SumTwice(a, typeA, b, typeB, c, typeC, (float)alpha, (float)beta, destination, typeOut);
                break;
        }
    }
}
