namespace Fast.Merging.Methods;

/// <summary>
/// One merge node's parameters resolved for one tensor: block lists already read at the tensor's block, so the
/// method functions never see a layout.
/// </summary>
/// <param name="T">slerp's interpolation factor (0 gives the first model).</param>
/// <param name="Density">The kept fraction of ties/dare/dare_ties, in (0, 1].</param>
/// <param name="Lambda">The factor of the mixed difference added to the base (task arithmetic's λ).</param>
/// <param name="Weights">One weight per model operand.</param>
/// <param name="Seed">DARE's seed (<see cref="Fast.Kernels.Methods.DareMask"/>).</param>
/// <param name="Normalize">Divide by the (elected) weights' sum.</param>
public sealed record MethodParameters(double T, double Density, double Lambda, IReadOnlyList<double> Weights, uint Seed, bool Normalize);
