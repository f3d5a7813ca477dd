
namespace Fast.Merging.Methods;

/// <summary>One calcmode as the catalog declares it: names, what it reads, which modes it combines with, exactness.</summary>
/// <param name="CalcMode">The recipe value.</param>
/// <param name="Name">The supermerger spelling (<c>trainDifference</c>).</param>
/// <param name="Spellings">Every accepted spelling, normalised (<c>smoothaddmt</c> for supermerger's <c>smoothAdd MT</c>).</param>
/// <param name="UsesBeta">True when it reads β.</param>
/// <param name="NeedsC">True when it reads model C whatever the mode (extract).</param>
/// <param name="Exactness">The exactness contract (SPEC §4).</param>
/// <param name="WholeTensor">
/// True when it needs a whole tensor at once (neighbourhoods, reductions, slice bands); false for calcmode normal,
/// which the engine cuts into element ranges.
/// </param>
/// <param name="ComputeHeavy">
/// True when device auto sends it to a GPU: it does enough arithmetic per byte (filters, cosine reductions, extract's
/// row cosines) to pay for the transfers; elementwise work does not.
/// </param>
/// <param name="UsesCosineStatistics">True when it needs the cosine first pass over every key (cosineA, cosineB).</param>
public sealed record CalcModeEntry(
    CalcMode CalcMode, string Name, IReadOnlyList<string> Spellings, bool UsesBeta, bool NeedsC, string Exactness,
    bool WholeTensor, bool ComputeHeavy, bool UsesCosineStatistics)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}
