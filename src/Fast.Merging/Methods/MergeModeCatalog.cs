using Fast.Kernels;

namespace Fast.Merging.Methods;

/// <summary>
/// Every merge mode, one entry each (SPEC §3). A new elementwise mode is one entry here (names, arity, CPU and GPU
/// operators) and its enum value; parsing, printing, arity checks, the engine's calcmode-normal path and the device
/// adapter all read the entry.
/// </summary>
public static class MergeModeCatalog
{
    private const string BitIdentical = "bit-identical to the reference";

    private static readonly MergeModeEntry[] s_all =
    [
        new(MergeMode.WeightSum, "ws", "Weight sum", ["ws", "weightsum", "weightedsum"], usesC: false, usesBeta: false,
            "A·(1−α) + B·α (torch.lerp)", BitIdentical,
            // α exactly 0 / 1 keeps A / copies B, as the reference does instead of computing (SPEC §3).
            (a, ta, b, tb, _, _, alpha, _, d, td) => MergeKernels.WeightedSum(a, ta, b, tb, alpha, d, td),
            (a, b, _, alpha, _) => MergeKernels.WeightedSum(a, b, alpha, a),
            (device, _, alpha, _) => device.WeightedSum(alpha)),
        new(MergeMode.AddDifference, "ad", "Add difference", ["ad", "adddifference"], usesC: true, usesBeta: false,
            "A + α·(B − C)", BitIdentical,
            (a, ta, b, tb, c, tc, alpha, _, d, td) => MergeKernels.AddDifference(a, ta, b, tb, c, tc, (float)alpha, d, td),
            (a, b, c, alpha, _) => MergeKernels.AddDifference(a, b, c!, ElementType.F32, (float)alpha, a),
            (device, typeB, alpha, _) => device.AddDifference(typeB, (float)alpha)),
        new(MergeMode.TripleSum, "ts", "Triple sum", ["ts", "triplesum"], usesC: true, usesBeta: true,
            "A·(1−α−β) + B·α + C·β", BitIdentical,
            // SPEC §3: the triple-sum weights are computed in double from the decimal α and β.
            (a, ta, b, tb, c, tc, alpha, beta, d, td) => MergeKernels.TripleSum(a, ta, b, tb, c, tc, alpha, beta, d, td),
            (a, b, c, alpha, beta) => MergeKernels.TripleSum(a, b, c!, alpha, beta, a),
            (device, _, alpha, beta) => device.TripleSum(alpha, beta)),
        new(MergeMode.SumTwice, "st", "sum Twice", ["st", "sumtwice"], usesC: true, usesBeta: true,
            "lerp(lerp(A, B, α), C, β)", BitIdentical,
            (a, ta, b, tb, c, tc, alpha, beta, d, td) => MergeKernels.SumTwice(a, ta, b, tb, c, tc, (float)alpha, (float)beta, d, td),
            (a, b, c, alpha, beta) => MergeKernels.SumTwice(a, b, c!, (float)alpha, (float)beta, a),
            (device, _, alpha, beta) => device.SumTwice((float)alpha, (float)beta)),
        new(MergeMode.ScaledSum, "ss", "Scaled sum", ["ss", "scaledsum"], usesC: false, usesBeta: false,
            "A·α + B·β (α, β from the scaled-sum factor lists)", BitIdentical,
            (a, ta, b, tb, _, _, alpha, beta, d, td) => MergeKernels.ScaledSum(a, ta, b, tb, (float)alpha, (float)beta, d, td),
            (a, b, _, alpha, beta) => MergeKernels.ScaledSum(a, b, (float)alpha, (float)beta, a),
            (device, _, alpha, beta) => device.ScaledSum((float)alpha, (float)beta),
            scaledSumFactors: true),

        // sd-mecha's add_difference(a, b, alpha) with b a delta (sd_mecha/extensions/builtin/merge_methods/linear.py):
        // B is already a difference (a model made with calcmode extract, sd-mecha's subtract, a baked LoRA delta), added
        // with its own weight per block. 1·A is exact, so the scaled-sum kernels compute A + f32(α)·B with the product
        // and the sum each rounded once, on the CPU and the device alike.
        new(MergeMode.AddDelta, "delta", "Add delta", ["delta", "adddelta"], usesC: false, usesBeta: false,
            "A + α·B (B a difference model)", "exact in f32: the product and the sum each rounded once",
            (a, ta, b, tb, _, _, alpha, _, d, td) => MergeKernels.ScaledSum(a, ta, b, tb, 1f, (float)alpha, d, td),
            (a, b, _, alpha, _) => MergeKernels.ScaledSum(a, b, 1f, (float)alpha, a),
            (device, _, alpha, _) => device.ScaledSum(1f, (float)alpha)),
    ];

    /// <summary>Every mode in the order users know them.</summary>
    public static IReadOnlyList<MergeModeEntry> All => s_all;

    /// <summary>The entry of <paramref name="mode"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value no entry declares (never a silent fallback to another mode).</exception>
    public static MergeModeEntry Get(MergeMode mode) =>
        Array.Find(s_all, e => e.Mode == mode) ?? throw new ArgumentOutOfRangeException(nameof(mode), mode, "No merge mode has that value.");

    /// <summary>The entry one of whose spellings is <paramref name="normalized"/>, or null.</summary>
    internal static MergeModeEntry? Find(string normalized) => Array.Find(s_all, e => e.Spellings.Contains(normalized));
}
