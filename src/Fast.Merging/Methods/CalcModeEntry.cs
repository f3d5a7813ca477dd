namespace Fast.Merging.Methods;

/// <summary>One calcmode as the catalog declares it: names, what it reads, which modes it combines with, exactness.</summary>
/// <param name="CalcMode">The recipe value.</param>
/// <param name="Name">The supermerger spelling (<c>trainDifference</c>).</param>
/// <param name="Spellings">Every accepted spelling, normalised (<c>smoothaddmt</c> for supermerger's <c>smoothAdd MT</c>).</param>
/// <param name="UsesBeta">True when it reads β.</param>
/// <param name="NeedsC">True when it reads model C whatever the mode (extract).</param>
/// <param name="Exactness">The exactness contract (SPEC §4).</param>
/// <param name="ComputeHeavy">
/// True when device auto sends it to a GPU: it does enough arithmetic per byte (filters, cosine reductions, extract's
/// row cosines) to pay for the transfers; elementwise work does not.
/// </param>
/// <param name="CosineFavorsA">
/// For the calcmodes that need the cosine first pass over every key: true when the weights favour A (cosineA), false
/// when they favour B (cosineB); null for the others.
/// </param>
/// <param name="Modes">The merge modes it works with; empty for every mode.</param>
/// <param name="ModesHint">What the usage error says when the mode is not one of <paramref name="Modes"/> (after "Calcmode NAME ").</param>
/// <param name="WeightsAreFractions">True when α and β must lie in [0, 1] for every key (extract).</param>
/// <param name="UsesGamma">True when it reads γ, which must be ≥ 0 (extract).</param>
/// <param name="ChangesAOnly">
/// True when it computes from A and α alone (self, plus random): the whole of A's tensor (an inpainting A's extra
/// channels too), in A's dtype; keys named like to_out, proj_out or norm, and keys whose α is 0, keep A.
/// </param>
/// <param name="DrawsRandom">True when it draws torch's random numbers (plus random): it needs the recipe's seed.</param>
public sealed record CalcModeEntry(
    CalcMode CalcMode, string Name, IReadOnlyList<string> Spellings, bool UsesBeta, bool NeedsC, string Exactness,
    bool ComputeHeavy, bool? CosineFavorsA, IReadOnlyList<MergeMode> Modes, string ModesHint,
    bool WeightsAreFractions = false, bool UsesGamma = false, bool ChangesAOnly = false, bool DrawsRandom = false)
{
    /// <summary>
    /// What it runs on one output tensor; null for calcmode normal, which runs the mode's own operator over element
    /// ranges.
    /// </summary>
    internal WholeTensorOperator? Operator { get; init; }

    /// <summary>
    /// True when it needs a whole tensor at once (neighbourhoods, reductions, slice bands); false for calcmode normal,
    /// which the engine cuts into element ranges.
    /// </summary>
    public bool WholeTensor => Operator is not null;

    /// <summary>
    /// How the engine may cut its merge of a tensor into element ranges: <see cref="ElementRangeWork.None"/> (the
    /// default) runs <see cref="Operator"/> on the whole tensor. A calcmode with an <see cref="Operator"/> may still
    /// have independent ranges (self, plus random, the cosine merge pass); the whole-tensor operator then serves the
    /// tensors that cannot be cut (an inpainting model's merged channels, Adjust's keys).
    /// </summary>
    internal ElementRangeWork Ranges { get; init; }

    /// <summary>True when it needs the cosine first pass over every key (cosineA, cosineB).</summary>
    public bool UsesCosineStatistics => CosineFavorsA is not null;

    /// <summary>True when it works with <paramref name="mode"/>.</summary>
    /// <param name="mode">The recipe's merge mode.</param>
    /// <returns>True when <see cref="Modes"/> is empty or names it.</returns>
    public bool WorksWith(MergeMode mode) => Modes.Count == 0 || Modes.Contains(mode);

    /// <summary>Other names users know it by, as supermerger writes them (<c>smoothAdd MT</c>): accepted, and listed with <see cref="Name"/>.</summary>
    public IReadOnlyList<string> OtherNames { get; init; } = [];

    /// <summary><see cref="Name"/> then <see cref="OtherNames"/>: every name a list of valid calcmodes shows.</summary>
    public IEnumerable<string> DisplayNames => [Name, .. OtherNames];

    /// <summary>supermerger's <c>SELFKEYS</c>: keys containing one of these keep A under self and plus random.</summary>
    public static IReadOnlyList<string> SelfKeys { get; } = ["to_out", "proj_out", "norm"];

    /// <inheritdoc />
    public override string ToString() => Name;
}
