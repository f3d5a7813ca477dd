namespace Fast.Merging.Architectures;

/// <summary>A key whose name belongs to a component but whose shape is not the component's at the recognised scale.</summary>
/// <param name="Key">The full key.</param>
/// <param name="Expected">The shape the component has at the recognised scale (-1: any size).</param>
/// <param name="Actual">The shape found.</param>
public sealed record ShapeMismatch(string Key, IReadOnlyList<long> Expected, IReadOnlyList<long> Actual)
{
    /// <inheritdoc />
    public override string ToString() => $"{Key}: expected {ShapeFormatting.Format(Expected)}, found {ShapeFormatting.Format(Actual)}";
}
