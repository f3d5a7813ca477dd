using Fast.Kernels;
using Fast.Kernels.Methods;

namespace Fast.Merging.Methods.Multi;

/// <summary>
/// <c>add_difference</c> with N terms: models <c>[A, M₁ … Mₙ]</c> and base C give
/// <c>r = A; r = r + wᵢ·Dᵢ</c> for i = 1..N with <c>Dᵢ = round_to_dtype_of_Mᵢ(Mᵢ − C)</c>, each step rounded to f32.
/// With one term and weight α it is exactly mode <c>ad</c> (SPEC §3).
/// </summary>
internal static class AddDifferenceChainMethod
{
    public static void Run(MethodOperands operands, MethodParameters parameters, Span<float> destination)
    {
        float[] weights = MethodWeights.AsF32(parameters.Weights, parameters.Normalize);
        if (operands.Device is { } device)
        {
            device.AddDifferenceChain(
                operands.Model(0), operands.Base, [.. operands.ModelArrays.Skip(1)], [.. Enumerable.Range(1, operands.ModelCount - 1).Select(operands.ModelType)], weights, destination);
            return;
        }

        operands.Model(0).CopyTo(destination);
        Span<float> difference = operands.Rent().AsSpan(0, operands.Count);
        for (int m = 1; m < operands.ModelCount; m++)
        {
            MethodKernels.Subtract(operands.Model(m), operands.Base, difference);
            ElementConvert.RoundTo(difference, operands.ModelType(m));
            MethodKernels.AddScaled(destination, difference, weights[m - 1]);
        }
    }
}
