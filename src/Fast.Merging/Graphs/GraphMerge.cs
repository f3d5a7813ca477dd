namespace Fast.Merging.Graphs;

/// <summary>
/// One merge of a recipe graph: a method of <see cref="Methods.MergeMethodCatalog"/> over named operands (inputs or
/// earlier merges). A parameter is a number or a block-weight list/preset (then read per tensor at its block).
/// </summary>
public sealed record GraphMerge
{
    /// <summary>The name later merges and the output refer to it by.</summary>
    public required string Name { get; init; }

    /// <summary>The method's name (<c>ties</c>).</summary>
    public required string Method { get; init; }

    /// <summary>The model operands, by name (an input's index in the recipe's input list is accepted and resolved to its name).</summary>
    public required IReadOnlyList<string> Models { get; init; }

    /// <summary>The base operand (methods that read one), or null.</summary>
    public string? Base { get; init; }

    /// <summary>slerp's t (number, list or preset); null for the default 0.5.</summary>
    public string? T { get; init; }

    /// <summary>ties/dare's density in (0, 1]; null for 1.</summary>
    public string? Density { get; init; }

    /// <summary>λ; null for 1.</summary>
    public string? Lambda { get; init; }

    /// <summary>One weight per weighted model; null for the method's default.</summary>
    public IReadOnlyList<string>? Weights { get; init; }

    /// <summary>DARE's seed; null for 0.</summary>
    public uint? Seed { get; init; }

    /// <summary>Normalise by the weights' sum; null for the method's default.</summary>
    public bool? Normalize { get; init; }

    /// <inheritdoc />
    public bool Equals(GraphMerge? other) =>
        other is not null && Name == other.Name && Method == other.Method && Models.SequenceEqual(other.Models) && Base == other.Base &&
        T == other.T && Density == other.Density && Lambda == other.Lambda &&
        (Weights ?? []).SequenceEqual(other.Weights ?? []) && (Weights is null) == (other.Weights is null) &&
        Seed == other.Seed && Normalize == other.Normalize;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Method, Base, T, Density, Lambda, Seed, Normalize);
}
