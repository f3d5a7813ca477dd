using Fast.Merging.Architectures;

namespace Fast.Merging.Doctor;

/// <summary>One component of a checkpoint with the keys it actually holds.</summary>
/// <param name="Label">A stable name: <c>unet</c>, <c>vae</c>, <c>text_encoder</c>, <c>text_encoder_2</c>, <c>depth</c>, <c>controlnet</c>, <c>lora_unet</c>, <c>lora_te</c>.</param>
/// <param name="Role">What the component does.</param>
/// <param name="Match">What recognition found for it: key list, standard and actual prefix, missing keys.</param>
/// <param name="Keys">The full keys present in the file under the component's prefix, with their names below it, in key-list order.</param>
public sealed record LocatedComponent(string Label, ComponentRole Role, ComponentMatch Match, IReadOnlyList<(string Key, string RelativeName)> Keys)
{
    /// <summary>True when the file uses an accepted but non-standard prefix (NAI-style CLIP keys).</summary>
    public bool UsesAlternatePrefix => Match.Prefix != Match.Placement.Prefix;
}
