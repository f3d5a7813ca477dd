using Fast.SafeTensors;

namespace Fast.Merging.Planning;

/// <summary>
/// One output tensor, decided before any byte is written.
/// <paramref name="MergedChannels"/> is the number of leading dim-1 channels merged when A is an
/// inpainting/pix2pix model with more input channels than B or C (SPEC §6.3); null means all. Inputs that
/// have A's channel count are cut to the same leading channels.
/// <paramref name="InCosineStats"/> marks the keys whose similarities feed the cosine calcmodes' first pass
/// (every non-VAE key with compatible shapes, include/exclude notwithstanding, as the reference's <c>precosine</c>).
/// </summary>
public sealed record PlannedTensor(
    string Name,
    DType OutputDType,
    IReadOnlyList<long> Shape,
    TensorAction Action,
    string BlockId,
    double Alpha,
    double Beta,
    long? MergedChannels = null,
    bool InCosineStats = false)
{
    /// <summary>
    /// The index of <see cref="BlockId"/> in the architecture's block list (the weight lists' position), resolved once by
    /// the planner; 0 (BASE) for an architecture without blocks.
    /// </summary>
    public int BlockIndex { get; init; }

    /// <summary>
    /// supermerger's Adjust for this key (one of <see cref="Blocks.AdjustValues.Keys"/>): applied after merging, in the
    /// dtype the reference holds the merged tensor in; null for every other key.
    /// </summary>
    public TensorAdjustment? Adjust { get; init; }
}

/// <summary>What Adjust does to one merged tensor: multiply by <paramref name="Factor"/>, or add <paramref name="Offsets"/> element by element.</summary>
public sealed record TensorAdjustment(double? Factor, IReadOnlyList<double>? Offsets);
