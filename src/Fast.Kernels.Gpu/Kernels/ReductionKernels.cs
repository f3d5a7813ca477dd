using ILGPU;

namespace Fast.Kernels.Gpu.Kernels;

/// <summary>
/// Double-accumulating reductions for the cosine calcmodes in the fixed layout of <c>Fast.Kernels.Reductions.Dot</c>:
/// blocks of <c>Reductions.BlockElements</c>, in which element i goes to accumulator <c>i mod Reductions.Lanes</c>.
/// Thread <c>block·Lanes + lane</c> keeps one such accumulator, adding its elements in index order; the host adds the
/// lanes of each block and then the blocks in order, exactly as the CPU does.
/// </summary>
internal static class ReductionKernels
{
    public static void DotAndNorms<TMath>(Index1D partial, ArrayView<float> a, ArrayView<float> b, ArrayView<double> partials, int partialCount, int length)
        where TMath : struct, IStrictMath
    {
        var math = default(TMath);
        int block = partial / Reductions.Lanes;
        int lane = partial - (block * Reductions.Lanes);
        long blockStart = (long)block * Reductions.BlockElements;
        long end = Math.Min(blockStart + Reductions.BlockElements, length);
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (long k = blockStart + lane; k < end; k += Reductions.Lanes)
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
