using Fast.SafeTensors;

namespace Fast.Merging.Lora.Bake;

/// <summary>
/// A model tensor some LoRA changes: its terms in LoRA order, their factors loaded once by whichever chunk comes
/// first and dropped when the last chunk is done, so memory follows the tensors in flight, not the LoRA files.
/// </summary>
internal sealed class BakedTensor(TensorInfo source, int columns, IReadOnlyList<LowRankTerm> terms)
{
    private readonly Lock _gate = new();
    private (float[] Up, float[] Down)[]? _factors;
    private int _chunksLeft;

    public TensorInfo Source { get; } = source;

    public int Columns { get; } = columns;

    public IReadOnlyList<LowRankTerm> Terms { get; } = terms;

    public void ExpectChunks(int count) => _chunksLeft = count;

    public (float[] Up, float[] Down)[] Factors()
    {
        lock (_gate)
        {
            return _factors ??= Terms.Select(t => (LoraFactors.Read(t.File, t.Module.Up), LoraFactors.Read(t.File, t.Module.Down))).ToArray();
        }
    }

    public void ChunkDone()
    {
        if (Interlocked.Decrement(ref _chunksLeft) == 0)
        {
            lock (_gate)
            {
                _factors = null;
            }
        }
    }
}
