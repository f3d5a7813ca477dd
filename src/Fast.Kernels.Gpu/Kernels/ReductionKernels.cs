using ILGPU;

namespace Fast.Kernels.Gpu.Kernels;

/// <summary>
/// Double-accumulating reductions for the cosine calcmodes. Partial <c>p</c> sums elements
/// <c>p, p + P, p + 2P, …</c> in index order, so every partial — and the host's in-order sum of the
/// partials — is independent of how the device schedules threads.
/// </summary>
internal static class ReductionKernels
{
    public static void DotAndNorms<TMath>(
        Index1D partial, ArrayView<float> a, ArrayView<float> b, ArrayView<double> partials, int partialCount, int length)
        where TMath : struct, IStrictMath
    {
        var math = default(TMath);
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int k = partial; k < length; k += partialCount)
        {
            double x = a[k];
            double y = b[k];
            dot = math.Add(dot, math.Mul(x, y));
            normA = math.Add(normA, math.Mul(x, x));
            normB = math.Add(normB, math.Mul(y, y));
        }

        partials[partial] = dot;
        partials[partialCount + partial] = normA;
        partials[(2 * partialCount) + partial] = normB;
    }
}
