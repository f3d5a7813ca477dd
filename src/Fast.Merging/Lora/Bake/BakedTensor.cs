using Fast.SafeTensors;

namespace Fast.Merging.Lora.Bake;

/// <summary>
/// A model tensor some LoRA changes: its terms in LoRA order, their factors loaded once by whichever chunk comes
/// first and dropped when the last chunk is done, so memory follows the tensors in flight, not the LoRA files.
/// </summary>
internal sealed class BakedTensor(TensorInfo source, int columns, IReadOnlyList<BakeTerm> terms)
{
    private readonly Lock _gate = new();
    private float[][][]? _factors;
    private int _chunksLeft;

    public TensorInfo Source { get; } = source;

    public int Columns { get; } = columns;

    public IReadOnlyList<BakeTerm> Terms { get; } = terms;

    /// <summary>Floats of scratch per element the neediest term uses (LoHa, a padded inpainting conv_in, DoRA).</summary>
    public int ScratchPerElement { get; } = terms.Max(t => t.ScratchPerElement);

    /// <summary>Some term needs all the tensor's rows at once (per-input-channel DoRA): the tensor is one chunk.</summary>
    public bool NeedsAllRows { get; } = terms.Any(t => t.NeedsAllRows);

    public void ExpectChunks(int count) => _chunksLeft = count;

    public float[][][] Factors()
    {
        lock (_gate)
        {
            return _factors ??= Terms.Select(t => t.LoadFactors()).ToArray();
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
