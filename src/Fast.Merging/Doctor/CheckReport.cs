using Fast.Merging.Architectures;
using Fast.Merging.Hashing;

namespace Fast.Merging.Doctor;

/// <summary>Everything <c>fastmerge check</c> found in one streaming pass over a safetensors file.</summary>
/// <param name="Path">The file checked.</param>
/// <param name="FileBytes">Its size.</param>
/// <param name="TensorCount">Number of tensors in its header.</param>
/// <param name="Recognition">The architecture and per-component key matches.</param>
/// <param name="Components">The recognised components with their precision and content hash.</param>
/// <param name="Junk">Keys no loader uses (outside every component, the EMA copy and the scheduler buffers).</param>
/// <param name="Ema">The EMA copy of the UNet and its scalars.</param>
/// <param name="PositionIds">The SPEC §7 report of every CLIP position-ids key.</param>
/// <param name="Fp64Tensors">Tensors stored as F64.</param>
/// <param name="NonFinite">Tensors holding NaN or ±Inf; empty when the scan was not asked for.</param>
/// <param name="Hashes">sha256 and the A1111 legacy hash of the whole file.</param>
/// <param name="Problems">What is wrong, each with the <c>fix</c> option that repairs it; empty for a healthy model.</param>
public sealed record CheckReport(
    string Path,
    long FileBytes,
    int TensorCount,
    ArchitectureRecognition Recognition,
    IReadOnlyList<ComponentReport> Components,
    IReadOnlyList<SizedTensor> Junk,
    IReadOnlyList<SizedTensor> Ema,
    IReadOnlyList<PositionIdsEntry> PositionIds,
    IReadOnlyList<SizedTensor> Fp64Tensors,
    IReadOnlyList<NonFiniteTensor> NonFinite,
    ModelHashes Hashes,
    IReadOnlyList<CheckProblem> Problems)
{
    /// <summary>True when no problem was found.</summary>
    public bool IsHealthy => Problems.Count == 0;

    /// <summary>Bytes that storing the F64 tensors as fp16 would save.</summary>
    public long Fp64SavingsAsFp16 => Fp64Tensors.Sum(t => t.Bytes - (t.Elements * 2));
}
