namespace Fast.Merging.Doctor;

/// <summary>What <see cref="ModelFixer"/> changed.</summary>
/// <param name="OutputPath">The file written.</param>
/// <param name="TensorCount">Tensors in the output.</param>
/// <param name="Pruned">Keys dropped by <c>--prune</c>.</param>
/// <param name="Renamed">NAI-style keys renamed.</param>
/// <param name="Converted">Tensors whose dtype changed.</param>
/// <param name="PositionIdsReset">Position-ids keys written as int64 <c>[[0..n-1]]</c>.</param>
/// <param name="VaeReplaced">VAE tensors taken from <c>--vae</c>.</param>
/// <param name="ClipReplaced">Text-encoder tensors taken from <c>--clip</c>.</param>
/// <param name="NonFiniteReplaced">NaN/Inf elements replaced by <c>--nan-to-num</c>.</param>
public sealed record FixResult(
    string OutputPath,
    int TensorCount,
    int Pruned,
    int Renamed,
    int Converted,
    int PositionIdsReset,
    int VaeReplaced,
    int ClipReplaced,
    long NonFiniteReplaced);
