namespace Fast.Merging.Synthesis;

/// <summary>
/// The schedule buffers LDM's <c>register_schedule</c> stores for SD1/SD2 (linear schedule, β from 0.00085 to
/// 0.012 over 1000 steps, <c>v_posterior = 0</c>, <c>logvar_init = 0</c>), computed in double.
/// </summary>
internal static class DiffusionSchedule
{
    public const int Timesteps = 1000;

    private static readonly Lazy<Dictionary<string, double[]>> s_buffers = new(Compute);

    public static double Value(string name, long index) =>
        s_buffers.Value.TryGetValue(name, out var values)
            ? values[index]
            : throw new ArgumentOutOfRangeException(nameof(name), name, "Not a schedule buffer.");

    private static Dictionary<string, double[]> Compute()
    {
        const int n = Timesteps;
        double start = Math.Sqrt(0.00085), end = Math.Sqrt(0.012);
        var betas = new double[n];
        var cumprod = new double[n];
        var cumprodPrev = new double[n];
        var product = 1.0;
        for (var t = 0; t < n; t++)
        {
            var root = start + ((end - start) * t / (n - 1));
            betas[t] = root * root;
            cumprodPrev[t] = product;
            product *= 1 - betas[t];
            cumprod[t] = product;
        }

        double[] Map(Func<int, double> f) => Enumerable.Range(0, n).Select(f).ToArray();
        var posteriorVariance = Map(t => betas[t] * (1 - cumprodPrev[t]) / (1 - cumprod[t]));
        return new Dictionary<string, double[]>(StringComparer.Ordinal)
        {
            ["alphas_cumprod"] = cumprod,
            ["alphas_cumprod_prev"] = cumprodPrev,
            ["betas"] = betas,
            ["log_one_minus_alphas_cumprod"] = Map(t => Math.Log(1 - cumprod[t])),
            ["posterior_log_variance_clipped"] = Map(t => Math.Log(Math.Max(posteriorVariance[t], 1e-20))),
            ["posterior_mean_coef1"] = Map(t => betas[t] * Math.Sqrt(cumprodPrev[t]) / (1 - cumprod[t])),
            ["posterior_mean_coef2"] = Map(t => (1 - cumprodPrev[t]) * Math.Sqrt(1 - betas[t]) / (1 - cumprod[t])),
            ["posterior_variance"] = posteriorVariance,
            ["sqrt_alphas_cumprod"] = Map(t => Math.Sqrt(cumprod[t])),
            ["sqrt_one_minus_alphas_cumprod"] = Map(t => Math.Sqrt(1 - cumprod[t])),
            ["sqrt_recip_alphas_cumprod"] = Map(t => Math.Sqrt(1 / cumprod[t])),
            ["sqrt_recipm1_alphas_cumprod"] = Map(t => Math.Sqrt((1 / cumprod[t]) - 1)),
            ["logvar"] = new double[n],
        };
    }
}
