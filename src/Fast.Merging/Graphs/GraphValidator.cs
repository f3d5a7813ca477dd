using System.Globalization;
using Fast.Merging.Methods;

namespace Fast.Merging.Graphs;

/// <summary>
/// Checks a recipe graph before any file is opened: unique names, known methods, operand counts, defined names (an
/// input index is resolved to the input's name), no cycles, numeric parameters in range. Returns the recipe with
/// indexes resolved and the merges the output needs in evaluation order.
/// </summary>
public static class GraphValidator
{
    /// <summary>Validates <paramref name="recipe"/>.</summary>
    /// <param name="recipe">The recipe.</param>
    /// <param name="order">The merges the output depends on, each after its operands.</param>
    /// <returns>The recipe with input indexes replaced by names.</returns>
    /// <exception cref="InvalidGraphException">The first problem found, in one line.</exception>
    public static GraphRecipe Validate(GraphRecipe recipe, out IReadOnlyList<GraphMerge> order)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (recipe.Inputs.Count == 0)
        {
            throw new InvalidGraphException("recipe: no inputs");
        }

        foreach (string name in recipe.Inputs.Select(i => i.Name).Concat(recipe.Merges.Select(m => m.Name)))
        {
            if (string.IsNullOrWhiteSpace(name) || IsIndex(name))
            {
                throw new InvalidGraphException($"recipe: '{name}' is not a usable name (names must be non-empty and not a number)");
            }

            if (!names.Add(name))
            {
                throw new InvalidGraphException($"recipe: the name '{name}' is defined twice");
            }
        }

        var merges = recipe.Merges.Select(m => Resolve(m, recipe, names)).ToList();
        var byName = merges.ToDictionary(m => m.Name, StringComparer.Ordinal);
        if (!names.Contains(recipe.Output))
        {
            throw new InvalidGraphException($"recipe: output '{recipe.Output}' is neither an input nor a merge");
        }

        var ordered = new List<GraphMerge>();
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: on the path, true: done
        Visit(recipe.Output, byName, state, ordered, []);
        order = ordered;
        return recipe with { Merges = merges };
    }

    private static GraphMerge Resolve(GraphMerge m, GraphRecipe recipe, HashSet<string> names)
    {
        MergeMethodEntry method = MergeMethodCatalog.Find(m.Method)
            ?? throw new InvalidGraphException($"merge '{m.Name}': unknown method '{m.Method}'; use one of {string.Join(", ", MergeMethodCatalog.All.Select(e => e.Name))}");
        string Name(string reference, string role)
        {
            if (IsIndex(reference))
            {
                int index = int.Parse(reference, NumberStyles.None, CultureInfo.InvariantCulture);
                return index < recipe.Inputs.Count
                    ? recipe.Inputs[index].Name
                    : throw new InvalidGraphException($"merge '{m.Name}': {role} {reference} is not an input index (there are {recipe.Inputs.Count} inputs)");
            }

            return names.Contains(reference)
                ? reference
                : throw new InvalidGraphException($"merge '{m.Name}': {role} '{reference}' is neither an input nor a merge");
        }

        if (m.Models.Count < method.MinModels)
        {
            throw new InvalidGraphException($"merge '{m.Name}': {method.Name} needs at least {method.MinModels} models{(method.NeedsBase ? " besides the base" : string.Empty)}, got {m.Models.Count}");
        }

        if (m.Models.Count > method.MaxModels)
        {
            throw new InvalidGraphException($"merge '{m.Name}': {method.Name} takes {method.MaxModels} models, got {m.Models.Count}");
        }

        if (method.NeedsBase && m.Base is null)
        {
            throw new InvalidGraphException($"merge '{m.Name}': {method.Name} needs a base model");
        }

        if (!method.NeedsBase && m.Base is not null)
        {
            throw new InvalidGraphException($"merge '{m.Name}': {method.Name} takes no base model");
        }

        Reject(m, method.UsesT, m.T, "t", method);
        Reject(m, method.UsesDensity, m.Density, "density", method);
        Reject(m, method.UsesLambda, m.Lambda, "lambda", method);
        Reject(m, method.UsesSeed, m.Seed?.ToString(CultureInfo.InvariantCulture), "seed", method);
        Reject(m, method.UsesNormalize, m.Normalize?.ToString(), "normalize", method);
        if (m.Weights is not null)
        {
            Reject(m, method.UsesWeights, "weights", "weights", method);
            int expected = method.WeightCount(m.Models.Count);
            if (m.Weights.Count != expected)
            {
                throw new InvalidGraphException($"merge '{m.Name}': {method.Name} with {m.Models.Count} models takes {expected} weights, got {m.Weights.Count}");
            }
        }

        if (m.Density is { } density && TryNumber(density, out double d) && !(d > 0 && d <= 1))
        {
            throw new InvalidGraphException($"merge '{m.Name}': density must be in (0, 1], got {density}");
        }

        return m with
        {
            Method = method.Name,
            Models = [.. m.Models.Select(x => Name(x, "model"))],
            Base = m.Base is null ? null : Name(m.Base, "base"),
        };
    }

    private static void Reject(GraphMerge m, bool used, string? value, string parameter, MergeMethodEntry method)
    {
        if (!used && value is not null)
        {
            throw new InvalidGraphException($"merge '{m.Name}': {method.Name} takes no {parameter}");
        }
    }

    private static void Visit(string name, Dictionary<string, GraphMerge> merges, Dictionary<string, bool> state, List<GraphMerge> ordered, List<string> path)
    {
        if (!merges.TryGetValue(name, out GraphMerge? merge) || (state.TryGetValue(name, out bool done) && done))
        {
            return;
        }

        path.Add(name);
        if (state.ContainsKey(name))
        {
            throw new InvalidGraphException($"recipe: the merges form a cycle: {string.Join(" -> ", path.SkipWhile(n => n != name))}");
        }

        state[name] = false;
        foreach (string operand in Operands(merge))
        {
            Visit(operand, merges, state, ordered, path);
        }

        state[name] = true;
        path.RemoveAt(path.Count - 1);
        ordered.Add(merge);
    }

    /// <summary>The names a merge reads: its base (if any), then its models.</summary>
    internal static IEnumerable<string> Operands(GraphMerge merge) => merge.Base is null ? merge.Models : [merge.Base, .. merge.Models];

    internal static bool TryNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static bool IsIndex(string text) => text.Length > 0 && text.All(char.IsAsciiDigit);
}
