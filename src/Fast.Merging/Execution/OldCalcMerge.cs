using Fast.Kernels;

namespace Fast.Merging.Execution;

/// <summary>
/// supermerger's "use old calc method" (<c>--old-calc</c>) for calcmode normal: the mode's formula written with the
/// inputs in their own dtypes instead of torch.lerp on f32, as smerge's non-lerp branches are:
/// weighted sum <c>(1 − α)·A + α·B</c>, sum twice that twice (with C and β), triple sum <c>(1 − α − β)·A + α·B + β·C</c>
/// (left to right), add difference unchanged (its old path is the A + α·D we always compute). Each product of a tensor
/// and a Python float stores the float in the tensor's dtype and the product in that dtype; each sum is taken in f32 and
/// stored in the promoted dtype (F16 with BF16 promotes to F32): <see cref="DtypeStepKernels"/>.
/// </summary>
internal static class OldCalcMerge
{
    /// <summary>True for the modes whose old path differs from the lerp one.</summary>
    public static bool Applies(MergeMode mode) => mode is MergeMode.WeightSum or MergeMode.SumTwice or MergeMode.TripleSum;

    /// <summary>True when every input dtype is one this reproduces (torch's F16, BF16 and F32 arithmetic).</summary>
    public static bool Supports(ElementType type) => DtypeStepKernels.Supports(type);

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
                DtypeStepKernels.WeightedSum(a, typeA, b, typeB, alpha, destination, typeOut);
                break;
            case MergeMode.SumTwice:
                DtypeStepKernels.SumTwice(a, typeA, b, typeB, c, typeC, alpha, beta, destination, typeOut);
                break;
            case MergeMode.TripleSum:
                DtypeStepKernels.TripleSum(a, typeA, b, typeB, c, typeC, alpha, beta, destination, typeOut);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "the old calc method changes ws, st and ts only");
        }
    }
}
