using Fast.Kernels;
using Fast.Kernels.Attention;

namespace Fast.Cli.Commands.Slothful;

/// <summary>
/// Where <c>slothful replay --device gpu|ilgpu-cpu</c> pools: the ILGPU kernels. An interface so the replay itself
/// compiles into the NativeAOT CLI, which leaves out the GPU adapter (ILGPU cannot run under NativeAOT).
/// </summary>
internal interface ISlothfulPoolDevice : IDisposable
{
    /// <summary>Pools <paramref name="x"/> (B, N, C) into K (and V when <paramref name="v"/> is not empty), bytes as the SIMD path writes them.</summary>
    void Pool(SlothfulPlan plan, ElementType type, ReadOnlySpan<byte> x, int batch, int channels, byte[] k, byte[] v, LerpPolicy lerp);
}
