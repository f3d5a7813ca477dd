using Fast.Kernels;

namespace Fast.Merging.Diff;

/// <summary>How one tensor present in both models with the same shape differs.</summary>
/// <param name="Key">Its key.</param>
/// <param name="Section">The section it is reported in (<see cref="DiffSection.Label"/>).</param>
/// <param name="Group">Its block (denoiser) or group (text encoder, VAE, other) within the section.</param>
/// <param name="Shape">Its shape.</param>
/// <param name="DTypeA">A's stored dtype.</param>
/// <param name="DTypeB">B's stored dtype.</param>
/// <param name="Sums">The difference statistics, summed in double.</param>
public sealed record TensorDifference(string Key, string Section, string Group, IReadOnlyList<long> Shape, string DTypeA, string DTypeB, DifferenceSums Sums);
