using ILGPU;
using ILGPU.Runtime;

namespace Fast.Kernels.Gpu;

/// <summary>The diff report's reductions on the device.</summary>
public sealed partial class GpuMergeBackend
{
    /// <summary>
    /// One <see cref="DifferenceSums"/> per block of <see cref="Reductions.BlockElements"/> elements, each the bits of
    /// <see cref="DifferenceReductions.BlockSums"/> on the same values: the device keeps one partial per block and lane,
    /// the host adds each block's lanes in lane order.
    /// </summary>
    /// <param name="a">First tensor.</param>
    /// <param name="b">Second tensor, same length.</param>
    /// <param name="blocks">One entry per block (<see cref="DifferenceReductions.BlockCount"/> of the length).</param>
    public void DifferenceBlockSums(GpuTensor a, GpuTensor b, Span<DifferenceSums> blocks)
    {
        ArgumentNullException.ThrowIfNull(a);
        Validate(a, a.Length, nameof(a));
        Validate(b, a.Length, nameof(b));
        if (blocks.Length != DifferenceReductions.BlockCount(a.Length))
        {
            throw new ArgumentException($"{blocks.Length} block results for {a.Length} elements; expected {DifferenceReductions.BlockCount(a.Length)}.", nameof(blocks));
        }

        if (a.Length == 0)
        {
            return;
        }

        int partials = blocks.Length * Reductions.Lanes;
        var host = new double[5 * partials];
        lock (_gate)
        {
            using var device = _accelerator.Allocate1D<double>(5 * partials);
            _kernels.DifferenceSums(partials, a.View, b.View, device.View, partials, a.Length);
            _accelerator.Synchronize();
            device.View.BaseView.CopyToCPU(host.AsSpan());
        }

        for (int block = 0; block < blocks.Length; block++)
        {
            double dot = 0, squaresA = 0, squaresB = 0, squaredDifference = 0, max = 0;
            for (int lane = 0; lane < Reductions.Lanes; lane++)
            {
                int p = (block * Reductions.Lanes) + lane;
                dot += host[p];
                squaresA += host[partials + p];
                squaresB += host[(2 * partials) + p];
                squaredDifference += host[(3 * partials) + p];
                max = DifferenceSums.MaxOf(max, host[(4 * partials) + p]);
            }

            long count = Math.Min(Reductions.BlockElements, a.Length - ((long)block * Reductions.BlockElements));
            blocks[block] = new DifferenceSums(dot, squaresA, squaresB, squaredDifference, max, count);
        }
    }
}
