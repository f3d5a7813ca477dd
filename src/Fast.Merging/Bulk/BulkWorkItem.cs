using Fast.Merging.Planning;

namespace Fast.Merging.Bulk;

/// <summary>
/// One unit of a wave: elements <see cref="Start"/>..+<see cref="Count"/> of one key (a chunk), or the whole key
/// (<see cref="Count"/> 0), with the input ranges it needs (read once) and each variant's planned tensor for the key.
/// </summary>
/// <param name="Tensor">The key.</param>
/// <param name="Start">First element of a chunk.</param>
/// <param name="Count">Elements of a chunk; 0 for the whole key.</param>
/// <param name="ByVariant">Per wave slot, the variant's planned tensor, or null when the variant has no such key.</param>
/// <param name="Windows">The input ranges every participant reads, each once.</param>
/// <param name="WorkBytes">Estimated working memory of one variant's whole-tensor operation on this key (0 for chunks and copies).</param>
internal sealed record BulkWorkItem(string Tensor, long Start, int Count, PlannedTensor?[] ByVariant, IReadOnlyList<WindowRequest> Windows, long WorkBytes)
{
    /// <summary>Bytes of <see cref="Windows"/>.</summary>
    public long WindowBytes { get; } = Windows.Sum(w => (long)w.Length);
}
