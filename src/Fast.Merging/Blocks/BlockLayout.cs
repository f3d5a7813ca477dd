namespace Fast.Merging.Blocks;

/// <summary>
/// A block-weight layout as data: the names of the list's entries (BASE first), the rules that send a key to an entry,
/// and the foreign lists it converts. One instance per layout in <see cref="BlockLayouts"/>; nothing else in the
/// library knows a layout's block count or key patterns.
/// </summary>
public sealed class BlockLayout
{
    /// <summary>The index of BASE, the block of every key no rule claims.</summary>
    public const int BaseIndex = 0;

    private readonly Dictionary<string, int> _indexByName;

    internal BlockLayout(string name, string summary, IReadOnlyList<string> blocks, IReadOnlyList<BlockRule> rules, IReadOnlyList<BlockListConversion>? conversions = null)
    {
        Name = name;
        Summary = summary;
        Blocks = blocks;
        Rules = rules;
        Conversions = conversions ?? [];
        _indexByName = blocks.Select((b, i) => (b, i)).ToDictionary(p => p.b, p => p.i, StringComparer.Ordinal);
    }

    /// <summary>The layout's name, e.g. <c>SD</c>, <c>SDXL</c>, <c>Flux</c>.</summary>
    public string Name { get; }

    /// <summary>How a user writes the list, e.g. <c>BASE, IN00-IN11, M00, OUT00-OUT11</c> (for error messages).</summary>
    public string Summary { get; }

    /// <summary>The block names in list order, BASE first; empty for <see cref="BlockLayouts.None"/>.</summary>
    public IReadOnlyList<string> Blocks { get; }

    /// <summary>The key rules, first match wins; a key no rule matches is BASE.</summary>
    public IReadOnlyList<BlockRule> Rules { get; }

    /// <summary>Lists of another layout this one accepts, converted (an SD list for SDXL).</summary>
    public IReadOnlyList<BlockListConversion> Conversions { get; }

    /// <summary>False for <see cref="BlockLayouts.None"/>: the model merges with one global α/β.</summary>
    public bool HasBlocks => Blocks.Count > 0;

    /// <summary>The block index of <paramref name="key"/>; <see cref="BaseIndex"/> when no rule applies or the layout has no blocks.</summary>
    public int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        foreach (var rule in Rules)
        {
            if (rule.Match(key) is { } block)
            {
                return block;
            }
        }

        return BaseIndex;
    }

    /// <summary>The index of a block name, or -1 when this layout has no such block.</summary>
    public int IndexOfBlock(string blockId) => _indexByName.GetValueOrDefault(blockId, -1);

    /// <inheritdoc />
    public override string ToString() => Name;
}
