using Fast.Merging.Recipes;

namespace Fast.Merging.Methods;

/// <summary>One calcmode as the catalog declares it: names, what it reads, which modes it combines with, exactness.</summary>
/// <param name="CalcMode">The recipe value.</param>
/// <param name="Name">The supermerger spelling (<c>trainDifference</c>).</param>
/// <param name="Spellings">Every accepted spelling, normalised (<c>smoothaddmt</c> for supermerger's <c>smoothAdd MT</c>).</param>
/// <param name="UsesBeta">True when it reads β.</param>
/// <param name="NeedsC">True when it reads model C whatever the mode (extract).</param>
/// <param name="Exactness">The exactness contract (SPEC §4).</param>
public sealed record CalcModeEntry(CalcMode CalcMode, string Name, IReadOnlyList<string> Spellings, bool UsesBeta, bool NeedsC, string Exactness)
{
    /// <summary>Other names users know it by, as supermerger writes them (<c>smoothAdd MT</c>): accepted, and listed with <see cref="Name"/>.</summary>
    public IReadOnlyList<string> OtherNames { get; init; } = [];

    /// <summary><see cref="Name"/> then <see cref="OtherNames"/>: every name a list of valid calcmodes shows.</summary>
    public IEnumerable<string> DisplayNames => [Name, .. OtherNames];

    /// <inheritdoc />
    public override string ToString() => Name;
}
