using Fast.Merging.Architectures;
using Fast.SafeTensors;

namespace Fast.Merging.Doctor;

/// <summary>
/// Finds a whole component in another file (a VAE file, an extracted text encoder, a full checkpoint) by trying each
/// prefix the component may sit under, so <c>--vae</c> and <c>--clip</c> accept any of them.
/// </summary>
internal static class ComponentSource
{
    /// <summary>The source tensors of <paramref name="component"/>, by name below the prefix, in key-list order.</summary>
    /// <param name="source">The file to take the component from.</param>
    /// <param name="component">The key list.</param>
    /// <param name="prefixes">Prefixes to try; the one holding most of the component wins.</param>
    /// <param name="expectedShape">The shape each tensor must have in the target, by name below the prefix.</param>
    /// <param name="what">How the option names the component in messages (<c>--vae</c>).</param>
    /// <exception cref="DoctorException">The file lacks part of the component or holds it at other shapes.</exception>
    public static List<(string RelativeName, TensorInfo Tensor)> Find(
        SafeTensorsFile source, ModelComponent component, IEnumerable<string> prefixes, Func<string, IReadOnlyList<long>> expectedShape, string what)
    {
        string? best = null;
        int bestFound = 0;
        foreach (string prefix in prefixes)
        {
            int found = component.Tensors.Count(t => source.TryGetTensor(prefix + t.Name, out _));
            if (found > bestFound)
            {
                (best, bestFound) = (prefix, found);
            }
        }

        if (best is null)
        {
            throw new DoctorException($"{what}: {source.Path} holds no {component.Name} tensors");
        }

        var result = new List<(string, TensorInfo)>(component.Tensors.Count);
        foreach (ComponentTensor t in component.Tensors)
        {
            if (!source.TryGetTensor(best + t.Name, out TensorInfo? tensor))
            {
                throw new DoctorException($"{what}: {source.Path} lacks {best + t.Name} ({bestFound} of {component.Tensors.Count} {component.Name} tensors found)");
            }

            IReadOnlyList<long> expected = expectedShape(t.Name);
            if (!ShapeFormatting.SequenceEqual(expected, tensor.Shape))
            {
                throw new DoctorException(
                    $"{what}: {tensor.Name} in {source.Path} has shape {ShapeFormatting.Format(tensor.Shape)}, the model needs {ShapeFormatting.Format(expected)}; is it for another architecture?");
            }

            result.Add((t.Name, tensor));
        }

        return result;
    }
}
