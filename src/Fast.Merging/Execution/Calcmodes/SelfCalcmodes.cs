using Fast.Kernels;
using Fast.Merging.Randomness;

namespace Fast.Merging.Execution.Calcmodes;

/// <summary>
/// The calcmodes that change A alone (supermerger c60e6f3, <c>self</c> and <c>plus random</c>), in A's dtype as torch
/// computes a tensor of that dtype times a Python float: the float is first stored in the dtype, the product is taken
/// in f32 and stored again; a sum of two such tensors likewise (<see cref="DtypeStepKernels"/>).
/// </summary>
internal static class SelfCalcmodes
{
    /// <summary><c>self</c>: <c>A * α</c>, converted to the output type.</summary>
    public static void Scale(Operands operands, double alpha, Span<byte> destination, ElementType outputType) =>
        DtypeStepKernels.Scale(operands.A, operands.TypeA, alpha, destination, outputType);

    /// <summary><c>plus random</c>: <c>A += randn_like(A) * α</c>, drawn from <paramref name="generator"/>, converted to the output type.</summary>
    public static void AddNoise(Operands operands, double alpha, TorchCpuGenerator generator, Span<byte> destination, ElementType outputType)
    {
        ElementType type = operands.TypeA;
        Span<float> noise = operands.Rent<float>(operands.Count);
        TorchRandn.Fill(generator, type, noise);
        DtypeStepKernels.AddScaled(operands.A, type, noise, alpha, destination, outputType);
    }
}
