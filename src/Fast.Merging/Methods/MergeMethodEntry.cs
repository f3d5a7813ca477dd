namespace Fast.Merging.Methods;

/// <summary>
/// One N-model merge method as the catalog declares it (<see cref="MergeMethodCatalog"/>): names, what it reads (a
/// base, how many models), which parameters it takes, its defaults, its formula, exactness contract and the source it
/// follows. Recipes, validation, the CLI and the docs read the entry; nothing switches on a method name.
/// </summary>
public sealed class MergeMethodEntry
{
    internal MergeMethodEntry(string name, string formula, string exactness, string source, MethodStateFactory createState)
    {
        Name = name;
        Formula = formula;
        Exactness = exactness;
        Source = source;
        CreateState = createState;
    }

    /// <summary>The recipe and CLI name (<c>ties</c>).</summary>
    public string Name { get; }

    /// <summary>True when the method reads a base model (for add_difference: the model whose difference is taken, C).</summary>
    public bool NeedsBase { get; init; }

    /// <summary>True when the output follows the base's keys, order and dtypes (else the first model's).</summary>
    public bool KeysFromBase { get; init; }

    /// <summary>The fewest model operands it needs (besides the base).</summary>
    public int MinModels { get; init; } = 2;

    /// <summary>The most model operands it takes (slerp: 2).</summary>
    public int MaxModels { get; init; } = int.MaxValue;

    /// <summary>True when it reads t (slerp).</summary>
    public bool UsesT { get; init; }

    /// <summary>True when it reads density (ties, dare, dare_ties).</summary>
    public bool UsesDensity { get; init; }

    /// <summary>True when it reads λ (the task-arithmetic family).</summary>
    public bool UsesLambda { get; init; }

    /// <summary>True when it reads per-model weights.</summary>
    public bool UsesWeights { get; init; }

    /// <summary>True when it draws random numbers from the seed (dare, dare_ties).</summary>
    public bool UsesSeed { get; init; }

    /// <summary>True when it reads the normalise switch.</summary>
    public bool UsesNormalize { get; init; }

    /// <summary>Whether it normalises by the weights' sum unless the recipe says otherwise (mergekit's defaults).</summary>
    public bool DefaultNormalize { get; init; }

    /// <summary>The first weighted model operand: add_difference's weights are those of its differences, after A.</summary>
    public int FirstWeightedModel { get; init; }

    /// <summary>The default weight of each model when the recipe gives none; NaN means 1/N over the weighted models.</summary>
    public double DefaultWeight { get; init; } = 1;

    /// <summary>The formula, with its operation order (docs/methods.md).</summary>
    public string Formula { get; }

    /// <summary>The exactness contract against the float64 reference (native-compat/reference/merge_methods.py).</summary>
    public string Exactness { get; }

    /// <summary>The definition it follows (paper, mergekit/sd-mecha file).</summary>
    public string Source { get; }

    /// <summary>The method's work on one tensor (<see cref="MethodTensorState"/>): streaming passes, then pieces.</summary>
    internal MethodStateFactory CreateState { get; }

    /// <summary>How many weights a node with <paramref name="models"/> model operands takes.</summary>
    /// <param name="models">The node's model operands.</param>
    /// <returns>The weight count.</returns>
    public int WeightCount(int models) => UsesWeights ? models - FirstWeightedModel : 0;

    /// <inheritdoc />
    public override string ToString() => Name;
}
