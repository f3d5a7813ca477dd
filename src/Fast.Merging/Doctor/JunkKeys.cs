using Fast.Merging.Architectures;

namespace Fast.Merging.Doctor;

/// <summary>Keys no loader uses: outside every located component, the EMA copy and the scheduler buffers.</summary>
internal static class JunkKeys
{
    /// <summary>The junk keys in file order; none when nothing was recognised (then junk cannot be told from the model).</summary>
    public static List<string> Of(ArchitectureRecognition recognition, IReadOnlyList<LocatedComponent> components)
    {
        if (recognition.Architecture is null && components.Count == 0)
        {
            return [];
        }

        var claimed = components.SelectMany(c => c.Keys.Select(k => k.Key)).ToHashSet(StringComparer.Ordinal);
        return recognition.UnknownKeys.Where(k => !claimed.Contains(k)).ToList();
    }
}
