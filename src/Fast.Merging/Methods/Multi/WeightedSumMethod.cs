using Fast.Kernels.Methods;

namespace Fast.Merging.Methods.Multi;

/// <summary>
/// <c>weighted_sum</c> of N models (mergekit <c>linear.py</c> without its normalisation by default):
/// <c>r = w₀·M₀; r = r + wᵢ·Mᵢ</c> for i = 1..N−1, every product and sum rounded to f32 in that order. With normalise,
/// each weight is first divided by the weights' sum in double.
/// </summary>
internal static class WeightedSumMethod
{
    public static void Run(MethodOperands operands, MethodParameters parameters, Span<float> destination)
    {
        float[] weights = MethodWeights.AsF32(parameters.Weights, parameters.Normalize);
        if (operands.Device is { } device)
        {
            device.WeightedSum(operands.ModelArrays, operands.Count, weights, destination);
            return;
        }

        MethodKernels.Scale(operands.Model(0), weights[0], destination);
        for (int m = 1; m < operands.ModelCount; m++)
        {
            MethodKernels.AddScaled(destination, operands.Model(m), weights[m]);
        }
    }
}
