using ILGPU;
using ILGPU.Runtime;

namespace Fast.Kernels.Gpu;

/// <summary>Double-accumulated whole-tensor reductions for the cosine calcmodes (SPEC §4).</summary>
public sealed partial class GpuMergeBackend
{
    /// <summary>
    /// Σ a·b, Σ a², Σ b², each accumulated in double in the fixed layout of <see cref="Reductions.Dot"/> (one partial
    /// per block of <see cref="Reductions.BlockElements"/> and lane, the lanes and then the blocks added in order on
    /// the host), so each sum is <see cref="Reductions.Dot"/>'s to the bit on any device.
    /// </summary>
    /// <param name="a">First tensor.</param>
    /// <param name="b">Second tensor, same length.</param>
    /// <returns>The three sums.</returns>
    public GpuCosineSums CosineSums(GpuTensor a, GpuTensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        Validate(a, a.Length, nameof(a));
        Validate(b, a.Length, nameof(b));
        if (a.Length == 0)
        {
            return new GpuCosineSums(0, 0, 0);
        }

        int blocks = (int)(((long)a.Length + Reductions.BlockElements - 1) / Reductions.BlockElements);
        int partials = blocks * Reductions.Lanes;
        var host = new double[3 * partials];
        lock (_gate)
        {
            using var device = _accelerator.Allocate1D<double>(3 * partials);
            _kernels.DotAndNorms(partials, a.View, b.View, device.View, partials, a.Length);
            _accelerator.Synchronize();
            device.View.BaseView.CopyToCPU(host.AsSpan());
        }

        return new GpuCosineSums(
            SumBlocks(host.AsSpan(0, partials)),
            SumBlocks(host.AsSpan(partials, partials)),
            SumBlocks(host.AsSpan(2 * partials, partials)));
    }

    /// <summary>Each block's lanes added in lane order, then the block sums in block order (<see cref="Reductions.Dot"/>).</summary>
    private static double SumBlocks(ReadOnlySpan<double> partials)
    {
        double total = 0;
        for (int start = 0; start < partials.Length; start += Reductions.Lanes)
        {
            double block = 0;
            foreach (double lane in partials.Slice(start, Reductions.Lanes))
            {
                block += lane;
            }

            total += block;
        }

        return total;
    }
}
