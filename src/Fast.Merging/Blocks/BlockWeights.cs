using System.Globalization;

namespace Fast.Merging.Blocks;

/// <summary>A parsed block weight list: one weight per block of a layout, BASE included.</summary>
public sealed class BlockWeights
{
    private readonly double[] _values;

    private BlockWeights(BlockLayout layout, double[] values, bool baseFromList, string? presetName)
    {
        Layout = layout;
        _values = values;
        BaseFromList = baseFromList;
        PresetName = presetName;
    }

    /// <summary>The layout the values are for.</summary>
    public BlockLayout Layout { get; }

    /// <summary>One value per <see cref="BlockLayout.Blocks"/> entry: 26 for SD, 20 for SDXL, BASE first.</summary>
    public IReadOnlyList<double> Values => _values;

    /// <summary>False when the list had no BASE value and it was taken from the base α/β.</summary>
    public bool BaseFromList { get; }

    /// <summary>The preset the list came from, or null when it was written out.</summary>
    public string? PresetName { get; }

    /// <summary>The weight of a block id of this layout.</summary>
    /// <exception cref="KeyNotFoundException">The layout has no such block.</exception>
    public double this[string blockId]
    {
        get
        {
            var index = Layout.IndexOfBlock(blockId);
            return index >= 0 ? _values[index] : throw new KeyNotFoundException($"Block {blockId} is not part of the {Layout} layout.");
        }
    }

    /// <summary>The weight that applies to a key (by the layout's rules).</summary>
    public double ForKey(string key) => _values[Layout.IndexOf(key)];

    /// <summary>The weight of block index <paramref name="block"/> (as <see cref="BlockLayout.IndexOf"/> gives it).</summary>
    public double ForBlock(int block) => _values[block];

    /// <summary>
    /// Parses a weight list or preset name for a layout (SPEC §5). A layout of n blocks takes n values, or n − 1
    /// without BASE (SD 26/25, SDXL 20/19, Flux 64/63); a list of a layout it converts (SDXL takes an SD list of 26 or
    /// 25 by dropping IN09–IN11 and OUT09–OUT11) is converted. A missing BASE is <paramref name="baseValue"/>. Values are decimals with '.' as separator, whatever the culture.
    /// </summary>
    /// <exception cref="InvalidBlockWeightsException">Unknown preset, a value that is not a finite number, a count the layout does not take, or a layout without blocks.</exception>
    public static BlockWeights Parse(string text, BlockLayout layout, double baseValue)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(layout);
        if (!layout.HasBlocks)
        {
            throw new InvalidBlockWeightsException("This model's architecture has no known blocks; use a single alpha/beta instead of a block weight list.");
        }

        string? presetName = null;
        var listText = text.Trim();
        if (!listText.Contains(',', StringComparison.Ordinal))
        {
            if (!BlockWeightPresets.TryGetText(listText, out var presetText))
            {
                throw new InvalidBlockWeightsException($"'{listText}' is neither a comma-separated weight list nor a known preset (e.g. GRAD_V, FLAT_25, WRAP08).");
            }

            presetName = listText;
            listText = presetText;
        }

        var values = ParseNumbers(listText);
        var full = Complete(values, layout, baseValue);
        return new BlockWeights(layout, full.Values, full.BaseFromList, presetName);
    }

    private static double[] ParseNumbers(string listText)
    {
        var parts = listText.Split(',');
        var values = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i].Trim();
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
            {
                throw new InvalidBlockWeightsException($"Weight {i + 1} of the list, '{part}', is not a decimal number (use '.' as the decimal separator).");
            }
        }

        return values;
    }

    private static (double[] Values, bool BaseFromList) Complete(double[] values, BlockLayout layout, double baseValue)
    {
        int n = layout.Blocks.Count;
        if (values.Length == n)
        {
            return (values, true);
        }

        if (values.Length == n - 1)
        {
            return ([baseValue, .. values], false);
        }

        foreach (var conversion in layout.Conversions)
        {
            int m = conversion.From.Blocks.Count;
            if (values.Length == m)
            {
                return (conversion.Convert(values), true);
            }

            if (values.Length == m - 1)
            {
                return (conversion.Convert([baseValue, .. values]), false);
            }
        }

        string takes = $"{n} ({layout.Summary}) or {n - 1} without BASE";
        foreach (var conversion in layout.Conversions)
        {
            takes += $", or an {conversion.From.Name} list of {conversion.From.Blocks.Count}/{conversion.From.Blocks.Count - 1}";
        }

        var other = BlockLayouts.All.FirstOrDefault(l => l != layout && (values.Length == l.Blocks.Count || values.Length == l.Blocks.Count - 1));
        throw new InvalidBlockWeightsException(other is not null
            ? $"{values.Length} weights is an {other.Name} list; this model ({layout.Name}) takes {takes}."
            : $"Got {values.Length} weights; this model ({layout.Name}) takes {takes}.");
    }
}
