using Fast.Merging.Architectures;

namespace Fast.Merging.Doctor;

/// <summary>Turns an architecture recognition into labelled components with the keys each one holds.</summary>
public static class ComponentLocator
{
    /// <summary>The required components of the recognised architecture (EMA is not a component here), labelled.</summary>
    /// <param name="recognition">What <see cref="ArchitectureRecognizer"/> found.</param>
    /// <param name="present">The file's keys.</param>
    public static IReadOnlyList<LocatedComponent> Locate(ArchitectureRecognition recognition, IReadOnlySet<string> present)
    {
        ArgumentNullException.ThrowIfNull(recognition);
        ArgumentNullException.ThrowIfNull(present);
        var result = new List<LocatedComponent>();
        int textEncoders = 0;
        foreach (ComponentMatch match in recognition.Components)
        {
            if (match.Placement.IsOptional)
            {
                continue;
            }

            (ComponentRole role, string label) = Classify(match.ComponentName);
            if (role == ComponentRole.TextEncoder)
            {
                textEncoders++;
                label = textEncoders == 1 ? "text_encoder" : $"text_encoder_{textEncoders}";
            }

            var keys = new List<(string, string)>();
            foreach (ComponentTensor tensor in match.Placement.Component.Tensors)
            {
                string key = match.Prefix + tensor.Name;
                if (present.Contains(key))
                {
                    keys.Add((key, tensor.Name));
                }
            }

            result.Add(new LocatedComponent(label, role, match, keys));
        }

        return result;
    }

    /// <summary>The role and label of a key list by its name (<c>UNET-v1-SD</c>, <c>CLIP-XL-SD</c>, ...).</summary>
    internal static (ComponentRole Role, string Label) Classify(string componentName) => componentName switch
    {
        _ when componentName.StartsWith("UNET-", StringComparison.Ordinal) => (ComponentRole.Unet, "unet"),
        _ when componentName.StartsWith("CLIP-", StringComparison.Ordinal) => (ComponentRole.TextEncoder, "text_encoder"),
        _ when componentName.StartsWith("VAE-", StringComparison.Ordinal) => (ComponentRole.Vae, "vae"),
        _ when componentName.StartsWith("Depth-", StringComparison.Ordinal) => (ComponentRole.Other, "depth"),
        _ when componentName.StartsWith("ControlNet-", StringComparison.Ordinal) => (ComponentRole.Other, "controlnet"),
        _ when componentName.StartsWith("LoRA-", StringComparison.Ordinal) && componentName.EndsWith("-UNET", StringComparison.Ordinal) => (ComponentRole.Other, "lora_unet"),
        _ when componentName.StartsWith("LoRA-", StringComparison.Ordinal) => (ComponentRole.Other, "lora_te"),
        _ => (ComponentRole.Other, componentName.ToLowerInvariant()),
    };
}
