namespace Fast.Merging.Methods.Multi;

/// <summary>The per-model weights as the kernels use them: f32, optionally divided by their sum first (in double).</summary>
internal static class MethodWeights
{
    public static float[] AsF32(IReadOnlyList<double> weights, bool normalize)
    {
        double sum = 0;
        foreach (double w in weights)
        {
            sum += w;
        }

        return [.. weights.Select(w => (float)(normalize && sum != 0 ? w / sum : w))];
    }
}
