using System.Buffers;
using System.Runtime.CompilerServices;

namespace Fast.Kernels.Filters;

/// <summary>
/// The smoothAdd Gaussian (SPEC §4): σ = 1, radius 4, separable along axis 0, 1, … with each pass stored to
/// float32, half-sample reflection at the edges. Bit-identical to
/// <c>scipy.ndimage.gaussian_filter(x, sigma=1, mode='reflect')</c> on float32.
/// </summary>
public static class GaussianFilter
{
    /// <summary>Filters <paramref name="source"/> (row-major, <paramref name="shape"/>) into <paramref name="destination"/>.</summary>
    /// <param name="source">Input elements; must not overlap <paramref name="destination"/>.</param>
    /// <param name="destination">Output elements, same count as <paramref name="source"/>.</param>
    /// <param name="shape">Axis lengths; empty for a scalar (copied unchanged).</param>
    /// <param name="maxDegreeOfParallelism">Threads to use; −1 uses every core. The result does not depend on it.</param>
    /// <exception cref="ArgumentException">The shape does not match the spans, or the spans overlap.</exception>
    public static unsafe void Apply(ReadOnlySpan<float> source, Span<float> destination, ReadOnlySpan<int> shape, int maxDegreeOfParallelism = -1)
    {
        if (shape.Length == 1 && shape[0] == source.Length && shape[0] == destination.Length && shape[0] <= StackLineLimit)
        {
            ApplyShortVector(source, destination);
            return;
        }

        var layout = new FilterShape(shape, source.Length, destination.Length);
        FilterShape.RequireDistinct(source, destination);
        if (layout.Count == 0)
        {
            return;
        }

        if (layout.Rank == 0)
        {
            destination[0] = source[0];
            return;
        }

        if (layout.Rank == 1)
        {
            // A single pass straight into the destination: no permutation and no scratch tensor.
            fixed (float* sourcePointer = source)
            fixed (float* destinationPointer = destination)
            {
                GaussianPasses.Run(sourcePointer, destinationPointer, layout.Dims, 0, maxDegreeOfParallelism);
            }

            return;
        }

        // Passes run in a layout whose longest axis is contiguous (lanes run along it); the order of the
        // passes stays axis 0, 1, … of the original tensor, so only memory order changes, never arithmetic.
        int[] permutation = AxisPermutation.LongestAxisLast(layout.Dims);
        bool identity = AxisPermutation.IsIdentity(permutation);
        int[] dims = new int[layout.Rank];
        for (int a = 0; a < dims.Length; a++)
        {
            dims[a] = layout.Dims[permutation[a]];
        }

        if (identity && layout.Rank == 2)
        {
            fixed (float* sourcePointer = source)
            fixed (float* destinationPointer = destination)
            {
                GaussianPasses.RunMatrix(sourcePointer, destinationPointer, dims[0], dims[1], maxDegreeOfParallelism);
            }

            return;
        }

        if (identity)
        {
            fixed (float* sourcePointer = source)
            fixed (float* destinationPointer = destination)
            {
                RunPasses((nint)sourcePointer, (nint)destinationPointer, layout, permutation, dims, maxDegreeOfParallelism);
            }

            return;
        }

        float[] rows = ArrayPool<float>.Shared.Rent(layout.Count);
        try
        {
            fixed (float* sourcePointer = source)
            fixed (float* rowsPointer = rows)
            {
                nint sourceAddress = (nint)sourcePointer;
                nint rowsAddress = (nint)rowsPointer;
                int count = layout.Count;
                FilterShape shapeCopy = layout;
                FilterParallel.ForRanges(count / dims[^1], count, maxDegreeOfParallelism, (start, end) =>
                    AxisPermutation.CopyRows(new ReadOnlySpan<float>((float*)sourceAddress, count), new Span<float>((float*)rowsAddress, count), shapeCopy, permutation, true, start, end));
            }

            ApplyToRows(rows.AsSpan(0, layout.Count), destination, layout, maxDegreeOfParallelism);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rows);
        }
    }

    /// <summary>
    /// The Gaussian of a tensor of rank ≥ 2 given in its <see cref="AxisPermutation.LongestAxisLast"/> row order
    /// (<paramref name="rows"/>, overwritten), written to <paramref name="destination"/> in the tensor's own order.
    /// </summary>
    internal static unsafe void ApplyToRows(Span<float> rows, Span<float> destination, in FilterShape layout, int maxDegreeOfParallelism)
    {
        int[] permutation = AxisPermutation.LongestAxisLast(layout.Dims);
        int[] dims = new int[layout.Rank];
        for (int a = 0; a < dims.Length; a++)
        {
            dims[a] = layout.Dims[permutation[a]];
        }

        fixed (float* rowsPointer = rows)
        fixed (float* destinationPointer = destination)
        {
            RunPasses((nint)rowsPointer, (nint)destinationPointer, layout, permutation, dims, maxDegreeOfParallelism);
        }
    }

    /// <summary>
    /// The passes, in the order axis 0, 1, … of the original tensor. With an identity permutation
    /// <paramref name="input"/> is the source and the passes ping-pong so the last lands in the destination;
    /// otherwise <paramref name="input"/> holds the permuted rows (overwritten) and a final copy restores the order.
    /// </summary>
    private static unsafe void RunPasses(nint input, nint destinationAddress, FilterShape layout, int[] permutation, int[] dims, int maxDegreeOfParallelism)
    {
        bool identity = AxisPermutation.IsIdentity(permutation);
        int count = layout.Count;
        float[] scratchArray = ArrayPool<float>.Shared.Rent(count);
        try
        {
            fixed (float* scratchPointer = scratchArray)
            {
                nint scratch = (nint)scratchPointer;
                nint rows = input;
                for (int axis = 0; axis < layout.Rank; axis++)
                {
                    int position = Array.IndexOf(permutation, axis);
                    nint output;
                    if (identity)
                    {
                        bool lastToDestination = (layout.Rank - 1 - axis) % 2 == 0;
                        output = lastToDestination ? destinationAddress : scratch;
                    }
                    else
                    {
                        // Ping-pong between the caller's rows and the scratch tensor.
                        output = input == scratch ? rows : scratch;
                    }

                    GaussianPasses.Run((float*)input, (float*)output, dims, position, maxDegreeOfParallelism);
                    input = output;
                }

                if (!identity)
                {
                    nint permuted = input;
                    FilterParallel.ForRanges(count / dims[^1], count, maxDegreeOfParallelism, (start, end) =>
                        AxisPermutation.CopyRows(new ReadOnlySpan<float>((float*)permuted, count), new Span<float>((float*)destinationAddress, count), layout, permutation, false, start, end));
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratchArray);
        }
    }

    /// <summary>Longest 1-D tensor filtered with its widened copy on the stack (32 KiB + 64 bytes of doubles).</summary>
    private const int StackLineLimit = 4096;

    /// <summary>
    /// Bias and norm vectors: one line, nothing to share between threads, so no shape object, closure or pooled
    /// buffer either; those used to cost as much as the arithmetic at this size.
    /// </summary>
    [SkipLocalsInit] // every double of the line is written before it is read
    private static unsafe void ApplyShortVector(ReadOnlySpan<float> source, Span<float> destination)
    {
        FilterShape.RequireDistinct(source, destination);
        int length = source.Length;
        if (length == 0)
        {
            return;
        }

        double* line = stackalloc double[length + (2 * GaussianTaps.Radius)];
        fixed (float* sourcePointer = source)
        fixed (float* destinationPointer = destination)
        {
            GaussianPasses.FilterLine(sourcePointer, destinationPointer, length, line);
        }
    }
}
