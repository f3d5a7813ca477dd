using Fast.Kernels;

namespace Fast.Merging.Diff;

/// <summary>
/// A device that computes the diff report's per-block sums on stored elements, bit-identical to
/// <see cref="DifferenceReductions.BlockSums"/>. The GPU implementation is in <c>Fast.Merging.Gpu</c> (ILGPU cannot run
/// under NativeAOT); implementations must be safe to call from several threads (they may serialise the calls).
/// </summary>
public interface IDifferenceAccelerator : IDisposable
{
    /// <summary>A human-readable name of the device.</summary>
    string Name { get; }

    /// <summary>One <see cref="DifferenceSums"/> per block of <see cref="Reductions.BlockElements"/> elements.</summary>
    /// <param name="a">A's stored elements.</param>
    /// <param name="typeA">A's element type.</param>
    /// <param name="b">B's stored elements, as many.</param>
    /// <param name="typeB">B's element type.</param>
    /// <param name="blocks">One entry per block (<see cref="DifferenceReductions.BlockCount"/>).</param>
    void BlockSums(ReadOnlySpan<byte> a, ElementType typeA, ReadOnlySpan<byte> b, ElementType typeB, Span<DifferenceSums> blocks);
}

/// <summary>Opens an <see cref="IDifferenceAccelerator"/> on demand.</summary>
public interface IDifferenceAcceleratorProvider
{
    /// <summary>Opens the device; never throws for a missing driver or device.</summary>
    /// <param name="accelerator">The ready device, or null.</param>
    /// <param name="reason">Why none could be opened.</param>
    /// <returns>True when <paramref name="accelerator"/> is ready; the caller disposes it.</returns>
    bool TryCreate(out IDifferenceAccelerator? accelerator, out string reason);
}
