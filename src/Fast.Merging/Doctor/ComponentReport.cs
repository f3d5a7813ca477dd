namespace Fast.Merging.Doctor;

/// <summary>One component of a checked checkpoint.</summary>
/// <param name="Component">Where it is and which keys it holds.</param>
/// <param name="DTypes">Tensor count per stored dtype, e.g. <c>F16: 686</c>.</param>
/// <param name="Parameters">Elements of its tensors present in the file.</param>
/// <param name="Bytes">Bytes of its tensors present in the file.</param>
/// <param name="ContentHash">
/// sha256 (hex) over its tensors in ordinal order of their names below the component prefix: for each one, the name,
/// dtype and shape, then the sha256 of its bytes. Equal for two files that share the component byte for byte,
/// whatever prefix, key order or other components they have; null when not computed.
/// </param>
public sealed record ComponentReport(
    LocatedComponent Component,
    IReadOnlyDictionary<string, int> DTypes,
    long Parameters,
    long Bytes,
    string? ContentHash)
{
    /// <summary>The component's label (<c>unet</c>, <c>vae</c>, <c>text_encoder</c>, ...).</summary>
    public string Label => Component.Label;
}
