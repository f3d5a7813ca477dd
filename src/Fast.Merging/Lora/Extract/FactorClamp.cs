namespace Fast.Merging.Lora.Extract;

/// <summary>kohya's clamp: both factors limited to ± the q-quantile of their joined values (torch.quantile, linear).</summary>
internal static class FactorClamp
{
    public static void Apply(float[] up, float[] down, double quantile)
    {
        float[] all = new float[up.Length + down.Length];
        up.CopyTo(all, 0);
        down.CopyTo(all, up.Length);
        Array.Sort(all);
        double position = quantile * (all.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, all.Length - 1);
        float hi = (float)(all[below] + ((all[above] - all[below]) * (position - below)));
        float lo = -hi;
        Clamp(up, lo, hi);
        Clamp(down, lo, hi);
    }

    private static void Clamp(float[] values, float lo, float hi)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = MathF.Min(MathF.Max(values[i], lo), hi); // torch.clamp: max wins when lo > hi (a quantile below the median)
        }
    }
}
