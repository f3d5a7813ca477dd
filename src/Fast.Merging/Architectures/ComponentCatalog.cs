using System.Collections.Frozen;
using System.Globalization;

namespace Fast.Merging.Architectures;

/// <summary>
/// The key lists embedded in this assembly (copies of <c>shared/arch/*.txt</c>, from the MIT-licensed
/// stable-diffusion-webui-model-toolkit), parsed once on first use.
/// </summary>
public static class ComponentCatalog
{
    private const string ResourcePrefix = "Fast.Merging.Architectures.KeyLists.";

    private static readonly Lazy<FrozenDictionary<string, ModelComponent>> s_components = new(Load);

    /// <summary>Every embedded component, by key-list name (e.g. <c>CLIP-v1-SD</c>).</summary>
    public static IReadOnlyDictionary<string, ModelComponent> All => s_components.Value;

    /// <summary>Returns the component of that key-list name.</summary>
    /// <exception cref="KeyNotFoundException">No key list of that name is embedded.</exception>
    public static ModelComponent Get(string name) =>
        s_components.Value.TryGetValue(name, out var component)
            ? component
            : throw new KeyNotFoundException($"No embedded key list named '{name}'.");

    private static FrozenDictionary<string, ModelComponent> Load()
    {
        var assembly = typeof(ComponentCatalog).Assembly;
        var result = new Dictionary<string, ModelComponent>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal) ||
                !resource.EndsWith(".txt", StringComparison.Ordinal) ||
                resource.EndsWith("README.md", StringComparison.Ordinal))
            {
                continue;
            }

            var name = resource[ResourcePrefix.Length..^".txt".Length];
            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"Embedded key list '{resource}' cannot be opened.");
            using var reader = new StreamReader(stream);
            result.Add(name, new ModelComponent(name, Parse(name, reader)));
        }

        return result.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Parses lines of the form <c>name [d0,d1,...]</c>; blank lines are skipped.</summary>
    internal static List<ComponentTensor> Parse(string listName, TextReader reader)
    {
        var tensors = new List<ComponentTensor>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            line = line.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            if (space <= 0 || line[^1] != ']' || line[space + 1] != '[')
            {
                throw new FormatException($"Key list {listName} line {lineNumber}: expected 'name [shape]', got '{line}'.");
            }

            var dims = line[(space + 2)..^1];
            var shape = dims.Length == 0
                ? Array.Empty<long>()
                : dims.Split(',').Select(d => long.Parse(d, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)).ToArray();
            tensors.Add(new ComponentTensor(line[..space], shape));
        }

        return tensors;
    }
}
