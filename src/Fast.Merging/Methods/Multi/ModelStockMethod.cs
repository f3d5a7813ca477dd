using Fast.Kernels.Methods;

namespace Fast.Merging.Methods.Multi;

/// <summary>
/// <c>model_stock</c> (Jang et al., "Model Stock", 2024; mergekit <c>merge_methods/model_stock.py</c>, not filter-wise):
/// with δᵢ = Mᵢ − base over the flattened tensor, <c>cosᵢⱼ = clamp(δᵢ·δⱼ / max(‖δᵢ‖‖δⱼ‖, 1e-6), −1, 1)</c>, c the mean
/// over pairs i &lt; j, <c>t = N·c / (1 + (N−1)·c)</c> (0 when that is not finite), and
/// <c>r = t·mean(Mᵢ) + (1−t)·base</c>. Everything in double, each element rounded to f32 once. The Gram matrix comes
/// from one streaming pass over the tensor in index order (<see cref="MethodKernels.AccumulateDifferenceGram"/>).
/// </summary>
internal static class ModelStockMethod
{
    public static MethodTensorState Create(MethodParameters parameters, long elements, bool whole) => new State();

    internal static double Ratio(double[,] gram, int n)
    {
        double cosSum = 0;
        int pairs = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double norms = Math.Sqrt(gram[i, i]) * Math.Sqrt(gram[j, j]);
                cosSum += Math.Clamp(gram[i, j] / Math.Max(norms, 1e-6), -1, 1);
                pairs++;
            }
        }

        double cos = cosSum / pairs;
        double t = n * cos / (1 + ((n - 1) * cos));
        return double.IsFinite(t) ? t : 0;
    }

    private static float[][] Models(MethodOperands operands) => [.. Enumerable.Range(0, operands.ModelCount).Select(operands.ModelArray)];

    private sealed class State : MethodTensorState
    {
        private double[,,]? _lanes;
        private double _t;

        public override int Passes => 1;

        public override void Observe(int pass, MethodOperands operands)
        {
            _lanes ??= new double[operands.ModelCount, operands.ModelCount, 4];
            MethodKernels.AccumulateDifferenceGram(Models(operands), operands.Base, operands.Count, _lanes);
        }

        public override void EndPass(int pass) => _t = _lanes is null ? 0 : Ratio(MethodKernels.GramOf(_lanes), _lanes.GetLength(0));

        public override void Evaluate(MethodOperands operands, Span<float> destination)
        {
            if (operands.Device is { } device)
            {
                device.ModelStock(operands.ModelArrays, operands.Base, _t, destination);
                return;
            }

            int n = operands.ModelCount;
            float[][] models = Models(operands);
            double t = _t;
            ReadOnlySpan<float> baseValues = operands.Base;
            for (int e = 0; e < operands.Count; e++)
            {
                double sum = 0;
                for (int m = 0; m < n; m++)
                {
                    sum += models[m][e];
                }

                destination[e] = (float)((t * (sum / n)) + ((1 - t) * baseValues[e]));
            }
        }
    }
}
