using Fast.Kernels;
using Fast.Merging.Methods;

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
        // The mode's own operator from the catalog: no switch, no fallback to another mode.
        MergeModeCatalog.Get(mode).Cpu(a, typeA, b, typeB, c, typeC, alpha, beta, destination, typeOut);
    }
}
