namespace Fast.Merging.Methods;

/// <summary>
/// Every calcmode, one entry each (SPEC §3–4): names, spellings, what it reads, its exactness contract and how the engine
/// schedules it (element ranges or whole tensors, which go to a device on auto, which need the cosine first pass).
/// </summary>
public static class CalcModeCatalog
{
    private const string WeightSumOnly = "works on weighted sum; use mode ws";
    private const string CosineModesHint = "works on weighted sum (or add difference, on B − C); use mode ws or ad";
    private static readonly MergeMode[] s_cosineModes = [MergeMode.WeightSum, MergeMode.AddDifference];
    private const string AddDifferenceOnly = "works on three models in add difference; use mode ad";

    // The reference runs these calcmodes in any of its four modes: smoothAdd filters B − C in add difference and raw B in
    // the others; self and plus random change A alone (B and C only decide which keys are merged).
    private static readonly MergeMode[] s_referenceModes = [MergeMode.WeightSum, MergeMode.AddDifference, MergeMode.TripleSum, MergeMode.SumTwice];
    private const string ReferenceModesHint = "works on ws, ad, ts or st (as supermerger)";

    private static readonly CalcModeEntry[] s_all =
    [
        new(CalcMode.Normal, "normal", ["normal"], false, false, "bit-identical",
            ComputeHeavy: false, CosineFavorsA: null, Modes: [], ModesHint: "")
        {
            Ranges = ElementRangeWork.ModeOperator,
        },

        // As the reference: cosine weighs B against A, or with add difference the difference B − C against A.
        new(CalcMode.CosineA, "cosineA", ["cosinea"], false, false, "bit-identical (torch's reduction orders)",
            ComputeHeavy: true, CosineFavorsA: true, Modes: s_cosineModes, ModesHint: CosineModesHint)
        {
            Operator = (operators, destination, type) => operators.CosineLerp(favorA: true, destination, type),
            Ranges = ElementRangeWork.CosineLerp,
        },
        new(CalcMode.CosineB, "cosineB", ["cosineb"], false, false, "bit-identical (torch's reduction orders)",
            ComputeHeavy: true, CosineFavorsA: false, Modes: s_cosineModes, ModesHint: CosineModesHint)
        {
            Operator = (operators, destination, type) => operators.CosineLerp(favorA: false, destination, type),
            Ranges = ElementRangeWork.CosineLerp,
        },
        new(CalcMode.TrainDifference, "trainDifference", ["traindifference"], false, false, "bit-identical",
            ComputeHeavy: false, CosineFavorsA: null, Modes: [MergeMode.AddDifference], ModesHint: AddDifferenceOnly)
        {
            Operator = (operators, destination, type) => operators.TrainDifference(destination, type),
        },
        new(CalcMode.SmoothAdd, "smoothAdd", ["smoothadd", "smoothaddmt"], false, false, "bit-identical (scipy's median and gaussian)",
            ComputeHeavy: true, CosineFavorsA: null, Modes: s_referenceModes, ModesHint: ReferenceModesHint)
        {
            OtherNames = ["smoothAdd MT"],
            Operator = (operators, destination, type) => operators.SmoothAdd(destination, type),
        },
        new(CalcMode.Tensor, "tensor", ["tensor"], true, false, "bit-identical",
            ComputeHeavy: false, CosineFavorsA: null, Modes: [MergeMode.WeightSum], ModesHint: WeightSumOnly)
        {
            Operator = (operators, destination, type) => operators.TensorSlices(columns: false, destination, type),
        },
        new(CalcMode.Tensor2, "tensor2", ["tensor2"], true, false, "bit-identical",
            ComputeHeavy: false, CosineFavorsA: null, Modes: [MergeMode.WeightSum], ModesHint: WeightSumOnly)
        {
            Operator = (operators, destination, type) => operators.TensorSlices(columns: true, destination, type),
        },
        new(CalcMode.Extract, "extract", ["extract"], true, true, "within 1 ulp of the output dtype",
            ComputeHeavy: true, CosineFavorsA: null, Modes: [MergeMode.AddDifference], ModesHint: AddDifferenceOnly,
            WeightsAreFractions: true, UsesGamma: true)
        {
            Operator = (operators, destination, type) => operators.Extract(destination, type),
        },
        new(CalcMode.Self, "self", ["self"], false, false, "bit-identical (A's dtype arithmetic, as torch)",
            ComputeHeavy: false, CosineFavorsA: null, Modes: s_referenceModes, ModesHint: ReferenceModesHint, ChangesAOnly: true)
        {
            Operator = (operators, destination, type) => operators.Scale(destination, type),
            Ranges = ElementRangeWork.ScaleA,
        },
        new(CalcMode.PlusRandom, "plus random", ["plusrandom"], false, false,
            "bit-identical with torch 1.13's CPU generator (F32: its portable kernel, see TorchRandn)",
            ComputeHeavy: false, CosineFavorsA: null, Modes: s_referenceModes, ModesHint: ReferenceModesHint, ChangesAOnly: true, DrawsRandom: true)
        {
            Operator = (operators, destination, type) => operators.AddNoise(destination, type),
            Ranges = ElementRangeWork.AddNoiseToA,
        },
    ];

    /// <summary>Every calcmode in supermerger's order.</summary>
    public static IReadOnlyList<CalcModeEntry> All => s_all;

    /// <summary>Every accepted calcmode name as users write them (<c>smoothAdd MT</c> included), in supermerger's order.</summary>
    public static IEnumerable<string> DisplayNames => s_all.SelectMany(e => e.DisplayNames);

    /// <summary>The entry of <paramref name="calcMode"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value no entry declares.</exception>
    public static CalcModeEntry Get(CalcMode calcMode) =>
        Array.Find(s_all, e => e.CalcMode == calcMode) ?? throw new ArgumentOutOfRangeException(nameof(calcMode), calcMode, "No calcmode has that value.");

    /// <summary>The entry one of whose spellings is <paramref name="normalized"/>, or null.</summary>
    internal static CalcModeEntry? Find(string normalized) => Array.Find(s_all, e => e.Spellings.Contains(normalized));
}
