using Fast.Merging.Architectures;

namespace Fast.Merging.Doctor;

/// <summary>Turns an architecture recognition into labelled components with the keys each one holds.</summary>
public static class ComponentLocator
{
    /// <summary>
    /// The required components of the recognised architecture (EMA is not a component here), labelled. When no
    /// architecture was recognised, the components the file holds on their own (an extracted text encoder or UNet,
    /// a VAE under its checkpoint prefix): every known component under every known prefix that is at least half
    /// present with the right shapes.
    /// </summary>
    /// <param name="recognition">What <see cref="ArchitectureRecognizer"/> found.</param>
    /// <param name="shapes">The file's keys and their shapes.</param>
    public static IReadOnlyList<LocatedComponent> Locate(ArchitectureRecognition recognition, IReadOnlyDictionary<string, IReadOnlyList<long>> shapes)
    {
        ArgumentNullException.ThrowIfNull(recognition);
        ArgumentNullException.ThrowIfNull(shapes);
        IEnumerable<ComponentMatch> matches = recognition.Architecture is null
            ? Standalone(shapes)
            : recognition.Components.Where(m => !m.Placement.IsOptional);
        var result = new List<LocatedComponent>();
        int textEncoders = 0;
        foreach (ComponentMatch match in matches)
        {
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
                if (shapes.ContainsKey(key))
                {
                    keys.Add((key, tensor.Name));
                }
            }

            result.Add(new LocatedComponent(label, role, match, keys));
        }

        return result;
    }

    /// <summary>The file's keys and shapes, as <see cref="Locate"/> takes them.</summary>
    public static Dictionary<string, IReadOnlyList<long>> ShapesOf(IEnumerable<TensorKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var shapes = new Dictionary<string, IReadOnlyList<long>>(StringComparer.Ordinal);
        foreach (TensorKey key in keys)
        {
            shapes.TryAdd(key.Name, key.Shape);
        }

        return shapes;
    }

    private static List<ComponentMatch> Standalone(IReadOnlyDictionary<string, IReadOnlyList<long>> shapes)
    {
        var result = new List<ComponentMatch>();
        var tried = new HashSet<(string, string)>();
        foreach (Architecture architecture in ArchitectureCatalog.All)
        {
            foreach (ComponentPlacement placement in architecture.Placements.Where(p => !p.IsOptional))
            {
                foreach (string prefix in placement.AllPrefixes)
                {
                    if (!tried.Add((placement.Component.Name, prefix)))
                    {
                        continue;
                    }

                    IReadOnlyList<ComponentTensor> tensors = placement.Component.Tensors;
                    int found = ShapeScaling.SupportedScales.Max(scale =>
                        tensors.Count(t => shapes.TryGetValue(prefix + t.Name, out var shape) && ShapeScaling.Matches(t.Shape, shape, scale)));
                    if (found * 2 >= tensors.Count && found > 0)
                    {
                        var missing = tensors.Select(t => prefix + t.Name).Where(k => !shapes.ContainsKey(k)).ToList();
                        result.Add(new ComponentMatch(placement, prefix, found, missing, []));
                    }
                }
            }
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
