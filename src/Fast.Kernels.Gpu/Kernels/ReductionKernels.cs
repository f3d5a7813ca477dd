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

    /// <summary>
    /// The five sums of <c>Fast.Kernels.DifferenceReductions</c> for one (block, lane): Σa·b, Σa², Σb², Σ(a−b)² and
    /// max |a−b| (NaN when a difference of the lane is NaN), written to five consecutive arrays of
    /// <paramref name="partialCount"/>.
    /// </summary>
    public static void DifferenceSums<TMath>(Index1D partial, ArrayView<float> a, ArrayView<float> b, ArrayView<double> partials, int partialCount, int length)
        where TMath : struct, IStrictMath
    {
        var math = default(TMath);
        int block = partial / Reductions.Lanes;
        int lane = partial - (block * Reductions.Lanes);
        long blockStart = (long)block * Reductions.BlockElements;
        long end = Math.Min(blockStart + Reductions.BlockElements, length);
        double dot = 0;
        double squaresA = 0;
        double squaresB = 0;
        double squaredDifference = 0;
        double max = 0;
        bool nan = false;
        for (long k = blockStart + lane; k < end; k += Reductions.Lanes)
        {
            double x = a[k];
            double y = b[k];
            double d = math.Sub(x, y);
            dot = math.Add(dot, math.Mul(x, y));
            squaresA = math.Add(squaresA, math.Mul(x, x));
            squaresB = math.Add(squaresB, math.Mul(y, y));
            squaredDifference = math.Add(squaredDifference, math.Mul(d, d));

            // Compared by hand: a device's fmax drops NaN, and a NaN difference must show.
            double magnitude = d < 0 ? -d : d;
            nan |= double.IsNaN(d);
            max = magnitude > max ? magnitude : max;
        }

        partials[partial] = dot;
        partials[partialCount + partial] = squaresA;
        partials[(2 * partialCount) + partial] = squaresB;
        partials[(3 * partialCount) + partial] = squaredDifference;
        partials[(4 * partialCount) + partial] = nan ? double.NaN : max;
    }
}
