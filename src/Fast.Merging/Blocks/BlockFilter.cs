namespace Fast.Merging.Blocks;

/// <summary>
/// Include/exclude filters (SPEC §5): an excluded key keeps A's tensor. An item is a block id (<c>IN04</c>), a
/// range of block ids (<c>IN00-IN05</c>, either order, in the SD list order, or in the model's own list order for
/// layouts with other names, e.g. <c>double_blocks.0-double_blocks.5</c>), <c>VAE</c> for every
/// <see cref="CheckpointPrefixes.Vae"/> key, or otherwise a substring of the key.
/// </summary>
/// <remarks>
/// A key is excluded when it matches an exclude item, or when include items are given and it matches none of them.
/// (Supermerger toggles a flag once per matching item, so two matching items cancel; a plain "any match" is what
/// users mean and is what we do.)
/// </remarks>
public sealed class BlockFilter
{
    private readonly Matcher _exclude;
    private readonly Matcher? _include;

    /// <summary>Creates a filter from exclude and include items for SD block names; blank items are ignored.</summary>
    public BlockFilter(IEnumerable<string>? exclude, IEnumerable<string>? include)
        : this(exclude, include, BlockLayouts.Sd)
    {
    }

    /// <summary>Creates a filter whose block items are SD names or names of <paramref name="layout"/>; blank items are ignored.</summary>
    public BlockFilter(IEnumerable<string>? exclude, IEnumerable<string>? include, BlockLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        _exclude = new Matcher(exclude ?? [], layout);
        var includeMatcher = new Matcher(include ?? [], layout);
        _include = includeMatcher.IsEmpty ? null : includeMatcher;
    }

    /// <summary>A filter that excludes nothing.</summary>
    public static BlockFilter None { get; } = new(null, null);

    /// <summary>True when the key, which lies in block <paramref name="blockId"/>, must keep A's tensor.</summary>
    public bool IsExcluded(string key, string blockId)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _exclude.Matches(key, blockId) || (_include is not null && !_include.Matches(key, blockId));
    }

    /// <summary>
    /// The exclude and include items (as given, trimmed, with the list they came from) that match none of
    /// <paramref name="keys"/> (each with its block id): SPEC §5 makes such an item a usage error, so a typo such as <c>IN4</c> never passes silently.
    /// </summary>
    public IReadOnlyList<(string List, string Item)> ItemsMatchingNone(IReadOnlyCollection<(string Key, string BlockId)> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return
        [
            .. _exclude.ItemsMatchingNone(keys).Select(item => ("exclude", item)),
            .. (_include?.ItemsMatchingNone(keys) ?? []).Select(item => ("include", item)),
        ];
    }

    private sealed class Matcher
    {
        private readonly HashSet<string> _blocks = new(StringComparer.Ordinal);
        private readonly List<string> _substrings = [];
        private readonly bool _vae;

        /// <summary>Each item with what it matches on its own, for <see cref="ItemsMatchingNone"/>.</summary>
        private readonly List<(string Item, Func<string, string, bool> Matches)> _items = [];

        public Matcher(IEnumerable<string> items, BlockLayout layout)
        {
            // SD names first, as before layouts had their own names (an SDXL range IN00-IN11 still means IN00..IN08).
            var orders = layout == BlockLayouts.Sd || !layout.HasBlocks ? [BlockIds.Sd] : new[] { BlockIds.Sd, layout.Blocks };
            foreach (var raw in items)
            {
                var item = raw.Trim();
                if (item.Length == 0)
                {
                    continue;
                }

                if (item == BlockIds.Vae)
                {
                    _vae = true;
                    _items.Add((item, (key, _) => CheckpointPrefixes.IsVae(key)));
                }
                else if (orders.Any(o => o.Contains(item)))
                {
                    _blocks.Add(item);
                    _items.Add((item, (_, block) => block == item));
                }
                else if (orders.Select(o => TryRange(item, o, out var r) ? r : null).FirstOrDefault(r => r is not null) is { } range)
                {
                    var blocks = range.ToHashSet(StringComparer.Ordinal);
                    _blocks.UnionWith(blocks);
                    _items.Add((item, (_, block) => blocks.Contains(block)));
                }
                else
                {
                    _substrings.Add(item);
                    _items.Add((item, (key, _) => key.Contains(item, StringComparison.Ordinal)));
                }
            }
        }

        public IEnumerable<string> ItemsMatchingNone(IReadOnlyCollection<(string Key, string BlockId)> keys) =>
            _items.Where(i => !keys.Any(k => i.Matches(k.Key, k.BlockId))).Select(i => i.Item).Distinct(StringComparer.Ordinal);

        public bool IsEmpty => !_vae && _blocks.Count == 0 && _substrings.Count == 0;

        public bool Matches(string key, string blockId) =>
            _blocks.Contains(blockId) ||
            (_vae && CheckpointPrefixes.IsVae(key)) ||
            _substrings.Exists(s => key.Contains(s, StringComparison.Ordinal));

        private static bool TryRange(string item, IReadOnlyList<string> order, out IEnumerable<string> range)
        {
            range = [];
            var dash = item.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0)
            {
                return false;
            }

            var list = order.ToList();
            int first = list.IndexOf(item[..dash].Trim()), last = list.IndexOf(item[(dash + 1)..].Trim());
            if (first < 0 || last < 0)
            {
                return false;
            }

            (first, last) = (Math.Min(first, last), Math.Max(first, last));
            range = list.GetRange(first, last - first + 1);
            return true;
        }
    }
}
