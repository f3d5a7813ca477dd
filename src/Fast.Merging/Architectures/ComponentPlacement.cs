namespace Fast.Merging.Architectures;

/// <summary>Where a component sits in a checkpoint of an architecture.</summary>
/// <param name="Component">The component.</param>
/// <param name="Prefix">The prefix its names take in a standard checkpoint (what a synthesizer writes).</param>
/// <param name="AlternatePrefixes">Other prefixes loaders accept for it (NAI-style CLIP, ...).</param>
/// <param name="IsOptional">True for parts a checkpoint may or may not carry (EMA weights); missing them is normal.</param>
public sealed record ComponentPlacement(
    ModelComponent Component,
    string Prefix,
    IReadOnlyList<string> AlternatePrefixes,
    bool IsOptional)
{
    /// <summary>The standard prefix followed by the alternates.</summary>
    public IEnumerable<string> AllPrefixes => AlternatePrefixes.Prepend(Prefix);
}
