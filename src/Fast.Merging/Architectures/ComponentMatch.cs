namespace Fast.Merging.Architectures;

/// <summary>How much of one component of the recognised architecture a checkpoint holds.</summary>
/// <param name="Placement">The component and where the architecture puts it.</param>
/// <param name="Prefix">The prefix the checkpoint actually uses (the standard one or an accepted alternate).</param>
/// <param name="FoundCount">Keys present with the expected shape.</param>
/// <param name="MissingKeys">Full keys of the component that the checkpoint lacks (empty for an optional component that is absent altogether).</param>
/// <param name="ShapeMismatches">Keys present under the component's names with another shape.</param>
public sealed record ComponentMatch(
    ComponentPlacement Placement,
    string Prefix,
    int FoundCount,
    IReadOnlyList<string> MissingKeys,
    IReadOnlyList<ShapeMismatch> ShapeMismatches)
{
    /// <summary>The component's key-list name.</summary>
    public string ComponentName => Placement.Component.Name;

    /// <summary>Number of tensors the component has.</summary>
    public int ExpectedCount => Placement.Component.Tensors.Count;

    /// <summary>True when at least one of the component's names is present.</summary>
    public bool IsPresent => FoundCount > 0 || ShapeMismatches.Count > 0;

    /// <summary>True when every tensor is present with the expected shape.</summary>
    public bool IsComplete => FoundCount == ExpectedCount;
}
