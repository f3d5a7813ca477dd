namespace Fast.Kernels.Gpu;

/// <summary>Double-accumulated reductions of two f32 tensors for the cosine calcmodes (SPEC §4).</summary>
/// <param name="Dot">Σ aᵢ·bᵢ.</param>
/// <param name="SquaredNormA">Σ aᵢ².</param>
/// <param name="SquaredNormB">Σ bᵢ².</param>
public readonly record struct GpuCosineSums(double Dot, double SquaredNormA, double SquaredNormB);
