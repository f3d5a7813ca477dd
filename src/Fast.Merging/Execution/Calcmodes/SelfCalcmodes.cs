using Fast.Kernels;
using Fast.Merging.Randomness;

namespace Fast.Merging.Execution.Calcmodes;

/// <summary>
/// The calcmodes that change A alone (supermerger c60e6f3, <c>self</c> and <c>plus random</c>), in A's dtype as torch
/// computes a tensor of that dtype times a Python float: the float is first stored in the dtype, the product is taken
/// in f32 and stored again; a sum of two such tensors likewise.
/// </summary>
internal static class SelfCalcmodes
{
    /// <summary><c>self</c>: <c>A * α</c>.</summary>
    public static void Scale(Operands operands, double alpha, Span<float> result)
    {
        ElementType type = operands.TypeA;
        ElementConvert.Widen(operands.A, type, result);
        float factor = TorchRandn.Round((float)alpha, type);
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = TorchRandn.Round(result[i] * factor, type);
        }
    }

    /// <summary><c>plus random</c>: <c>A += randn_like(A) * α</c>, drawn from <paramref name="generator"/>.</summary>
    public static void AddNoise(Operands operands, double alpha, TorchCpuGenerator generator, Span<float> result)
    {
        ElementType type = operands.TypeA;
        Span<float> noise = operands.Rent<float>(result.Length);
        TorchRandn.Fill(generator, type, noise);
        ElementConvert.Widen(operands.A, type, result);
        float factor = TorchRandn.Round((float)alpha, type);
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = TorchRandn.Round(result[i] + TorchRandn.Round(noise[i] * factor, type), type);
        }
    }
}
