using System.Buffers;
using Fast.Kernels;
using Fast.Merging.Randomness;

namespace Fast.Merging.Execution;

/// <summary>
/// supermerger's "use old calc method" (<c>--old-calc</c>) for calcmode normal: the mode's formula written with the
/// inputs in their own dtypes instead of torch.lerp on f32, as smerge's non-lerp branches are:
/// weighted sum <c>(1 − α)·A + α·B</c>, sum twice that twice (with C and β), triple sum <c>(1 − α − β)·A + α·B + β·C</c>
/// (left to right), add difference unchanged (its old path is the A + α·D we always compute). Each product of a tensor
/// and a Python float stores the float in the tensor's dtype and the product in that dtype; each sum is taken in f32 and
/// stored in the promoted dtype (F16 with BF16 promotes to F32).
/// </summary>
internal static class OldCalcMerge
{
    /// <summary>True for the modes whose old path differs from the lerp one.</summary>
    public static bool Applies(MergeMode mode) => mode is MergeMode.WeightSum or MergeMode.SumTwice or MergeMode.TripleSum;

    /// <summary>True when every input dtype is one this reproduces (torch's F16, BF16 and F32 arithmetic).</summary>
    public static bool Supports(ElementType type) => type is ElementType.F16 or ElementType.BF16 or ElementType.F32;

    public static void Run(
        MergeMode mode,
        ReadOnlySpan<byte> a, ElementType typeA,
        ReadOnlySpan<byte> b, ElementType typeB,
        ReadOnlySpan<byte> c, ElementType typeC,
        double alpha, double beta,
        Span<byte> destination, ElementType typeOut)
    {
        int n = destination.Length / ElementTypeInfo.SizeOf(typeOut);
        float[] rented = ArrayPool<float>.Shared.Rent(n * 3);
        try
        {
            Span<float> fa = rented.AsSpan(0, n), fb = rented.AsSpan(n, n), fc = rented.AsSpan(2 * n, n);
            ElementConvert.Widen(a, typeA, fa);
            ElementConvert.Widen(b, typeB, fb);
            bool usesC = mode != MergeMode.WeightSum;
            if (usesC)
            {
                ElementConvert.Widen(c, typeC, fc);
            }

            for (int i = 0; i < n; i++)
            {
                fa[i] = mode switch
                {
                    MergeMode.WeightSum => WeightSum(fa[i], typeA, fb[i], typeB, alpha),
                    MergeMode.SumTwice => SumTwice(fa[i], typeA, fb[i], typeB, fc[i], typeC, alpha, beta),
                    _ => TripleSum(fa[i], typeA, fb[i], typeB, fc[i], typeC, alpha, beta),
                };
            }

            ElementConvert.Narrow(fa, destination, typeOut);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    private static float WeightSum(float a, ElementType ta, float b, ElementType tb, double alpha)
    {
        // smerge: α = 1 takes B, α = 0 keeps A, before either calc method
        if (alpha == 1)
        {
            return b;
        }

        return alpha == 0 ? a : Sum(Term(a, ta, 1 - alpha), ta, Term(b, tb, alpha), tb, out _);
    }

    private static float SumTwice(float a, ElementType ta, float b, ElementType tb, float c, ElementType tc, double alpha, double beta)
    {
        float first = Sum(Term(a, ta, 1 - alpha), ta, Term(b, tb, alpha), tb, out ElementType t1);
        return Sum(Term(first, t1, 1 - beta), t1, Term(c, tc, beta), tc, out _);
    }

    private static float TripleSum(float a, ElementType ta, float b, ElementType tb, float c, ElementType tc, double alpha, double beta)
    {
        float first = Sum(Term(a, ta, 1 - alpha - beta), ta, Term(b, tb, alpha), tb, out ElementType t1);
        return Sum(first, t1, Term(c, tc, beta), tc, out _);
    }

    /// <summary>A Python float times a tensor element: the float stored in the tensor's dtype, the product stored too.</summary>
    private static float Term(float x, ElementType type, double factor) => TorchRandn.Round(x * TorchRandn.Round((float)factor, type), type);

    /// <summary>The sum of two tensors' elements, computed in f32 and stored in their promoted dtype.</summary>
    private static float Sum(float x, ElementType tx, float y, ElementType ty, out ElementType promoted)
    {
        promoted = tx == ty ? tx : ElementType.F32;
        return TorchRandn.Round(x + y, promoted);
    }
}
