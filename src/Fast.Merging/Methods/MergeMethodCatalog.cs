using Fast.Merging.Methods.Multi;

namespace Fast.Merging.Methods;

/// <summary>
/// The N-model merge methods beyond supermerger's modes, one entry each (docs/methods.md): slerp, the task-arithmetic
/// family (ties, dare, dare_ties), model stock, weighted_sum of N and add_difference chains. A new method is one
/// entry and one function; recipe graphs, validation and the CLI read the entry.
/// </summary>
public static class MergeMethodCatalog
{
    private const string BitIdenticalF32 = "bit-identical to the f32 reference computed in the stated order";
    private const string TwoUlp = "within 2 ulp of the float64 reference rounded to f32";

    private static readonly MergeMethodEntry[] s_all =
    [
        new("weighted_sum", "w0*M0 + w1*M1 + ... (f32, left to right)", BitIdenticalF32, "mergekit merge_methods/linear.py", ElementwiseMethodState.For(WeightedSumMethod.Run))
        {
            MinModels = 2, UsesWeights = true, UsesNormalize = true, DefaultWeight = double.NaN,
        },
        new("add_difference", "A + w1*rt(M1 - C) + w2*rt(M2 - C) + ... (rt: rounded to Mi's dtype; f32, left to right)", BitIdenticalF32,
            "supermerger add difference (SPEC section 3), chained; sd-mecha merge_methods/linear.py add_difference", ElementwiseMethodState.For(AddDifferenceChainMethod.Run))
        {
            NeedsBase = true, MinModels = 2, UsesWeights = true, FirstWeightedModel = 1,
        },
        new("slerp", "s0*A + s1*B with mergekit's angle and its lerp fallback when |cos| > 0.9995 (double, rounded once)", TwoUlp,
            "mergekit merge_methods/slerp.py", SlerpMethod.Create)
        {
            MinModels = 2, MaxModels = 2, UsesT = true,
        },
        new("ties", "base + lambda * disjoint_mean(elect_sign(w_i * trim(M_i - base, density)))", BitIdenticalF32,
            "TIES-Merging (Yadav et al. 2023); mergekit merge_methods/generalized_task_arithmetic.py, sparsify.py magnitude",
            TaskArithmeticMethod.Create(trim: true, drop: false, consensus: true))
        {
            NeedsBase = true, KeysFromBase = true, MinModels = 2, UsesDensity = true, UsesLambda = true, UsesWeights = true, UsesNormalize = true, DefaultNormalize = true,
        },
        new("dare", "base + lambda * sum(w_i * drop(M_i - base, density) / density)", "bit-identical to the f32 reference given the same mask",
            "DARE (Yu et al. 2023); mergekit generalized_task_arithmetic.py (dare_linear), sparsify.py bernoulli",
            TaskArithmeticMethod.Create(trim: false, drop: true, consensus: false))
        {
            NeedsBase = true, KeysFromBase = true, MinModels = 2, UsesDensity = true, UsesLambda = true, UsesWeights = true, UsesSeed = true, UsesNormalize = true,
        },
        new("dare_ties", "base + lambda * disjoint_mean(elect_sign(w_i * drop(M_i - base, density) / density))", "bit-identical to the f32 reference given the same mask",
            "mergekit generalized_task_arithmetic.py (dare_ties), sparsify.py bernoulli",
            TaskArithmeticMethod.Create(trim: false, drop: true, consensus: true))
        {
            NeedsBase = true, KeysFromBase = true, MinModels = 2, UsesDensity = true, UsesLambda = true, UsesWeights = true, UsesSeed = true, UsesNormalize = true,
        },
        new("model_stock", "t*mean(M_i) + (1-t)*base, t = N*cos/(1+(N-1)*cos), cos the mean pairwise cosine of M_i - base (double, rounded once)", TwoUlp,
            "Model Stock (Jang et al. 2024); mergekit merge_methods/model_stock.py", ModelStockMethod.Create)
        {
            NeedsBase = true, KeysFromBase = true, MinModels = 2,
        },
    ];

    /// <summary>Every method.</summary>
    public static IReadOnlyList<MergeMethodEntry> All => s_all;

    /// <summary>The method named <paramref name="name"/> (case-insensitive, '-' read as '_'), or null.</summary>
    /// <param name="name">The name as a user wrote it.</param>
    /// <returns>The entry, or null.</returns>
    public static MergeMethodEntry? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string normalized = name.Trim().Replace('-', '_');
        return Array.Find(s_all, e => string.Equals(e.Name, normalized, StringComparison.OrdinalIgnoreCase));
    }
}
