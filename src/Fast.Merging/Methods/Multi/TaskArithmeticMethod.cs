using Fast.Kernels.Methods;

namespace Fast.Merging.Methods.Multi;

/// <summary>
/// The task-arithmetic family over a base (mergekit <c>merge_methods/generalized_task_arithmetic.py</c> with
/// <c>sparsify.py</c>): per model, δᵢ = Mᵢ − base (f32); <c>ties</c> trims each δᵢ to its largest
/// <c>floor(density·n)</c> magnitudes (<see cref="MagnitudeTrim"/>), <c>dare</c>/<c>dare_ties</c> drop each element with
/// probability 1 − density and divide the kept ones by density (<see cref="DareMask"/>); then wdᵢ = wᵢ·δᵢ. With sign
/// consensus (ties, dare_ties) the mixed difference is the elected-sign mean (<see cref="MethodKernels.SignElectedMean"/>);
/// without (dare) it is <c>((0 + wd₀) + wd₁) + …</c>, divided with normalise by Σwᵢ (f32, in order; |Σ| &lt; 1e-8 → 1).
/// The result is <c>base + λ·mixed</c>, the product and the sum each rounded to f32.
/// </summary>
internal static class TaskArithmeticMethod
{
    public static MethodFunction Create(bool trim, bool drop, bool consensus) =>
        (operands, parameters, destination) => Run(operands, parameters, destination, trim, drop, consensus);

    private static void Run(MethodOperands operands, MethodParameters parameters, Span<float> destination, bool trim, bool drop, bool consensus)
    {
        int count = operands.Count;
        float[] weights = [.. parameters.Weights.Select(w => (float)w)];
        uint nameHash = drop ? DareMask.NameHash(operands.TensorName) : 0;
        var weighted = new float[operands.ModelCount][];
        for (int m = 0; m < operands.ModelCount; m++)
        {
            float[] delta = operands.Rent();
            Span<float> d = delta.AsSpan(0, count);
            MethodKernels.Subtract(operands.Model(m), operands.Base, d);
            if (trim)
            {
                MagnitudeTrim.KeepLargest(d, MagnitudeTrim.KeptCount(parameters.Density, count));
            }

            if (drop && parameters.Density < 1)
            {
                DareMask.DropAndRescale(d, 0, parameters.Seed, nameHash, (uint)m, parameters.Density);
            }

            MethodKernels.Scale(d, weights[m], d);
            weighted[m] = delta;
        }

        Span<float> mixed = operands.Rent().AsSpan(0, count);
        if (consensus)
        {
            MethodKernels.SignElectedMean(weighted, weights, parameters.Normalize, mixed);
        }
        else
        {
            mixed.Clear();
            foreach (float[] term in weighted)
            {
                MethodKernels.AddScaled(mixed, term.AsSpan(0, count), 1f);
            }

            if (parameters.Normalize)
            {
                float divisor = 0f;
                foreach (float w in weights)
                {
                    divisor += w;
                }

                MethodKernels.Divide(mixed, Math.Abs(divisor) < 1e-8f ? 1f : divisor, mixed);
            }
        }

        operands.Base.CopyTo(destination);
        MethodKernels.AddScaled(destination, mixed, (float)parameters.Lambda);
    }
}
