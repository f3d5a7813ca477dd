using Fast.Merging.Blocks;

namespace Fast.Merging.Architectures;

/// <summary>A checkpoint layout: which components it holds under which prefixes, and how its keys map to blocks.</summary>
public sealed class Architecture
{
    internal Architecture(
        ArchitectureId id,
        string name,
        BlockLayout blockLayout,
        IReadOnlyList<ComponentPlacement> placements,
        IReadOnlyList<TensorKey> emaScalars)
    {
        Id = id;
        Name = name;
        BlockLayout = blockLayout;
        Placements = placements;
        EmaScalars = emaScalars;
    }

    /// <summary>The family.</summary>
    public ArchitectureId Id { get; }

    /// <summary>A short human-readable name, e.g. <c>SD1.x inpainting</c>.</summary>
    public string Name { get; }

    /// <summary>The block-weight list this architecture takes.</summary>
    public BlockLayout BlockLayout { get; }

    /// <summary>Required components first (the first one defines the family), then optional ones (EMA).</summary>
    public IReadOnlyList<ComponentPlacement> Placements { get; }

    /// <summary>
    /// The scalar bookkeeping tensors that come with the EMA copy (<c>model_ema.decay</c>,
    /// <c>model_ema.num_updates</c>); empty when the architecture has no EMA.
    /// </summary>
    public IReadOnlyList<TensorKey> EmaScalars { get; }

    /// <summary>The optional EMA placement, if the architecture has one.</summary>
    public ComponentPlacement? EmaPlacement => Placements.FirstOrDefault(p => p.IsOptional);

    /// <summary>The tensors of a standard checkpoint without EMA at full scale: every required component under its prefix.</summary>
    public IEnumerable<TensorKey> RequiredKeys =>
        Placements.Where(p => !p.IsOptional)
            .SelectMany(p => p.Component.Tensors.Select(t => new TensorKey(p.Prefix + t.Name, t.Shape)));

    /// <inheritdoc />
    public override string ToString() => Name;
}
