using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Fast.Kernels.Filters;

/// <summary>
/// smoothAdd's filter pair (SPEC §4): <c>gaussian(median(x))</c>, bit-identical to running
/// <see cref="MedianFilter"/> then <see cref="GaussianFilter"/>. Both work in the tensor's longest-axis-last row
/// order; run together, the median's rows go straight into the Gaussian, saving two of the four copies between
/// that order and the tensor's own.
/// </summary>
public static class SmoothingFilter
{
    /// <summary>Replaces <paramref name="values"/> (row-major, <paramref name="shape"/>) with <c>gaussian(median(values))</c>.</summary>
    /// <param name="values">The tensor; overwritten with the result.</param>
    /// <param name="scratch">Working space, same length as <paramref name="values"/> and not overlapping it; overwritten.</param>
    /// <param name="shape">Axis lengths; empty for a scalar.</param>
    /// <param name="maxDegreeOfParallelism">Threads to use; −1 uses every core. The result does not depend on it.</param>
    /// <exception cref="ArgumentException">The shape does not match the spans, or the spans overlap.</exception>
    public static void Apply(Span<float> values, Span<float> scratch, ReadOnlySpan<int> shape, int maxDegreeOfParallelism = -1) =>
        Apply(values, values, scratch, shape, maxDegreeOfParallelism);

    /// <summary>Writes <c>gaussian(median(source))</c> to <paramref name="destination"/>, which may be <paramref name="source"/> itself.</summary>
    /// <param name="source">The tensor (row-major, <paramref name="shape"/>).</param>
    /// <param name="destination">The result: the same span as <paramref name="source"/>, or one not overlapping it.</param>
    /// <param name="scratch">Working space, same length, overlapping neither; overwritten.</param>
    /// <param name="shape">Axis lengths; empty for a scalar.</param>
    /// <param name="maxDegreeOfParallelism">Threads to use; −1 uses every core. The result does not depend on it.</param>
    /// <exception cref="ArgumentException">The shape does not match the spans, or the spans overlap (other than source = destination).</exception>
    public static void Apply(ReadOnlySpan<float> source, Span<float> destination, Span<float> scratch, ReadOnlySpan<int> shape, int maxDegreeOfParallelism = -1)
    {
        FilterShape.RequireDistinct(source, scratch);
        FilterShape.RequireDistinct(destination, scratch);
        bool inPlace = Unsafe.AreSame(ref MemoryMarshal.GetReference(source), ref MemoryMarshal.GetReference(destination));
        if (!inPlace)
        {
            FilterShape.RequireDistinct(source, destination);
        }

        if (shape.Length == 1)
        {
            // Bias and norm vectors: the filters' own one-axis paths, no layout object (it would cost a tenth of
            // the work at this size). They check the lengths.
            MedianFilter.Apply(source, scratch, shape, maxDegreeOfParallelism);
            GaussianFilter.Apply(scratch, destination, shape, maxDegreeOfParallelism);
            return;
        }

        var layout = new FilterShape(shape, source.Length, destination.Length);
        if (scratch.Length != source.Length)
        {
            throw new ArgumentException($"The scratch span holds {scratch.Length} elements; the tensor has {source.Length}.", nameof(scratch));
        }

        // The median reads the whole source before anything is written to the destination (into the scratch
        // tensor), so the two may be one span.
        if (layout.Rank < 2 || layout.Rank > 4 || AxisPermutation.IsIdentity(AxisPermutation.LongestAxisLast(layout.Dims)) || SpecialValues.Any(source))
        {
            // Nothing to save (no copies into row order), no network (rank > 4), or NaN / −0, whose outputs
            // the median recomputes in the tensor's order.
            MedianFilter.Apply(source, scratch, shape, maxDegreeOfParallelism);
            GaussianFilter.Apply(scratch, destination, shape, maxDegreeOfParallelism);
            return;
        }

        // The median's rows land in the scratch tensor, the Gaussian's result in the destination.
        MedianRowDriver.Run(source, scratch, layout, maxDegreeOfParallelism, destinationIsRows: true);
        GaussianFilter.ApplyToRows(scratch, destination, layout, maxDegreeOfParallelism);
    }
}
