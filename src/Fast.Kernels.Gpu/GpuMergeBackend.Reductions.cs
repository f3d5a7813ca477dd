using ILGPU;
using ILGPU.Runtime;

namespace Fast.Kernels.Gpu;

/// <summary>Deterministic double-accumulated reductions for the cosine calcmodes (SPEC §4).</summary>
public sealed partial class GpuMergeBackend
{
    /// <summary>
    /// Fixed number of partial sums. Partial p accumulates elements p, p + P, … in order and the host adds
    /// the partials in index order, so the result depends only on the data, not the device or its scheduling.
    /// </summary>
    internal const int ReductionPartials = 16384;

    /// <summary>Σ a·b, Σ a², Σ b², each accumulated in double.</summary>
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

        int partials = Math.Min(ReductionPartials, a.Length);
        var host = new double[3 * partials];
        lock (_gate)
        {
            using var device = _accelerator.Allocate1D<double>(3 * partials);
            _kernels.DotAndNorms(partials, a.View, b.View, device.View, partials, a.Length);
            _accelerator.Synchronize();
            device.View.BaseView.CopyToCPU(host.AsSpan());
        }

        return new GpuCosineSums(SumInOrder(host.AsSpan(0, partials)), SumInOrder(host.AsSpan(partials, partials)), SumInOrder(host.AsSpan(2 * partials, partials)));
    }

    private static double SumInOrder(ReadOnlySpan<double> values)
    {
        double total = 0;
        foreach (double value in values)
        {
            total += value;
        }

        return total;
    }
}
