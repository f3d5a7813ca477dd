namespace Fast.Merging.Architectures;

/// <summary>
/// A part of a checkpoint that the loaders treat as a unit (a UNet, a text encoder, a VAE, a ControlNet, a LoRA
/// half), as listed by one key list of the model toolkit.
/// </summary>
public sealed class ModelComponent
{
    // A plain dictionary: FrozenDictionary's construction (it searches for the cheapest hash of the keys) cost
    // ~0.1 s at start-up over the 11,800 embedded keys, more than every lookup of a merge together.
    private readonly Dictionary<string, ComponentTensor> _byName;

    internal ModelComponent(string name, IReadOnlyList<ComponentTensor> tensors)
    {
        Name = name;
        Tensors = tensors;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        long total = 0;
        foreach (var t in tensors)
        {
            if (t.ElementCount is not { } n)
            {
                total = -1;
                break;
            }

            total += n;
        }

        ParameterCount = total < 0 ? null : total;
    }

    /// <summary>The key list's name, e.g. <c>UNET-v1-SD</c>.</summary>
    public string Name { get; }

    /// <summary>The tensors in key-list order.</summary>
    public IReadOnlyList<ComponentTensor> Tensors { get; }

    /// <summary>Total elements at full scale; null for lists with free dimensions (LoRA).</summary>
    public long? ParameterCount { get; }

    /// <summary>Looks a tensor up by its name below the prefix.</summary>
    public bool TryGetTensor(string name, out ComponentTensor tensor) => _byName.TryGetValue(name, out tensor);

    /// <summary>
    /// The same tensors under the names an EMA copy uses: every dot removed, as LDM's <c>LitEma</c> registers
    /// its buffers (<c>input_blocks.0.0.weight</c> becomes <c>input_blocks00weight</c>).
    /// </summary>
    internal ModelComponent DotStripped(string name) =>
        new(name, Tensors.Select(t => t with { Name = t.Name.Replace(".", string.Empty, StringComparison.Ordinal) }).ToArray());

    /// <inheritdoc />
    public override string ToString() => Name;
}
