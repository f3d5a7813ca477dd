namespace Fast.Merging;

/// <summary>
/// The name and shape of one tensor of a checkpoint: everything the model knowledge of this library needs
/// to recognise an architecture or plan a merge, independent of how the file was read.
/// </summary>
/// <param name="Name">The tensor's key in the checkpoint, e.g. <c>model.diffusion_model.out.2.weight</c>.</param>
/// <param name="Shape">The tensor's dimensions, outermost first; empty for a scalar.</param>
public readonly record struct TensorKey(string Name, IReadOnlyList<long> Shape)
{
    /// <summary>The shape written as <c>[a,b,c]</c>, as in the key lists and error messages.</summary>
    public string ShapeText => ShapeFormatting.Format(Shape);

    /// <inheritdoc />
    public override string ToString() => Name + " " + ShapeText;
}
