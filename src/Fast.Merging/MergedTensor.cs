using Fast.SafeTensors;

namespace Fast.Merging;

/// <summary>One finished output tensor, handed to the callback of <c>FastMerger.MergeToCallback</c>.</summary>
/// <param name="Name">The key.</param>
/// <param name="DType">The stored dtype.</param>
/// <param name="Shape">The dimensions, outermost first.</param>
/// <param name="Data">The stored little-endian bytes; valid only during the callback (copy them to keep them).</param>
public sealed record MergedTensor(string Name, DType DType, IReadOnlyList<long> Shape, ReadOnlyMemory<byte> Data);
