using Fast.Merging.Architectures;
using Fast.SafeTensors;

namespace Fast.Merging.Doctor;

/// <summary>
/// <c>fastmerge extract</c>: writes one component of a checkpoint as its own file, tensors byte for byte. The VAE is
/// written without prefix (the layout of standalone VAE files); the UNet and text encoders keep their standard
/// checkpoint keys, so <c>fix --clip</c> can bake them back.
/// </summary>
public static class ComponentExtractor
{
    /// <summary>Extracts the components of <paramref name="role"/> (all text encoders for <see cref="ComponentRole.TextEncoder"/>).</summary>
    /// <returns>The number of tensors written.</returns>
    /// <exception cref="DoctorException">The architecture is unknown, the component is absent, or the output is the input.</exception>
    public static int Extract(
        string inputPath, ComponentRole role, string outputPath, bool overwrite = false, ReadMode mode = ReadMode.Mapped, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputPath);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        OutputPaths.EnsureWritable(outputPath, overwrite, inputPath);
        using SafeTensorsFile file = SafeTensorsFile.Open(inputPath, mode);
        ArchitectureRecognition recognition = ArchitectureRecognizer.Recognize(file.Tensors.Select(t => new TensorKey(t.Name, t.Shape)));
        var components = ComponentLocator.Locate(recognition, ComponentLocator.ShapesOf(file.Tensors.Select(t => new TensorKey(t.Name, t.Shape)))).Where(c => c.Role == role && c.Keys.Count > 0).ToList();
        if (components.Count == 0)
        {
            throw new DoctorException(
                $"{inputPath}: no {JsonName(role)} found (architecture {recognition.Architecture?.Name ?? "unknown"})");
        }

        var plan = new List<PlannedCopy>();
        foreach (LocatedComponent c in components)
        {
            string prefix = role == ComponentRole.Vae ? string.Empty : c.Match.Placement.Prefix;
            foreach (var (key, relative) in c.Keys)
            {
                TensorInfo t = file[key];
                plan.Add(new PlannedCopy(prefix + relative, t.DType, t.Shape, file, t));
            }
        }

        CopyWriter.Write(plan, outputPath, [new("format", "pt")], overwrite, cancellation);
        return plan.Count;
    }

    private static string JsonName(ComponentRole role) => role switch
    {
        ComponentRole.Unet => "UNet",
        ComponentRole.TextEncoder => "text encoder",
        ComponentRole.Vae => "VAE",
        _ => role.ToString(),
    };
}
