using Fast.Kernels;
using Fast.Kernels.Gpu;
using Fast.Merging.Methods;

namespace Fast.Merging.Gpu;

/// <summary>
/// One calcmode-normal call's operands on the device, as the catalog's GPU operators see them: each kernel writes
/// over A. C is null for a mode that reads no C; a kernel that needs it then fails loudly rather than reading garbage.
/// </summary>
internal sealed class GpuElementwiseOperands(GpuMergeBackend backend, GpuTensor a, GpuTensor b, GpuTensor? c) : IElementwiseDevice
{
    public void WeightedSum(double alpha) => backend.WeightedSum(a, b, alpha, a);

    public void AddDifference(ElementType typeB, float alpha) => backend.AddDifference(a, b, C, GpuElementTypes.Of(typeB), alpha, a);

    public void TripleSum(double alpha, double beta) => backend.TripleSum(a, b, C, alpha, beta, a);

    public void SumTwice(float alpha, float beta) => backend.SumTwice(a, b, C, alpha, beta, a);

    public void ScaledSum(float factorA, float factorB) => backend.ScaledSum(a, b, factorA, factorB, a);

    private GpuTensor C => c ?? throw new InvalidOperationException("This kernel reads model C, which the mode's catalog entry says it does not use.");
}
