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

    /// <summary>One value per <see cref="BlockIds.For(BlockLayout)"/> entry: 26 for SD, 20 for SDXL, BASE first.</summary>
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
            var index = BlockIds.For(Layout).ToList().IndexOf(blockId);
            return index >= 0 ? _values[index] : throw new KeyNotFoundException($"Block {blockId} is not part of the {Layout} layout.");
        }
    }

    /// <summary>The weight that applies to a key (via <see cref="BlockMapper"/>).</summary>
    public double ForKey(string key) => this[BlockMapper.BlockOf(key, Layout)];

    /// <summary>
    /// Parses a weight list or preset name for a layout (SPEC §5). SD takes 26 values, or 25 without BASE. SDXL takes
    /// 20, or 19 without BASE; an SD list of 26 (or 25) is converted by dropping IN09–IN11 and OUT09–OUT11. A missing
    /// BASE is <paramref name="baseValue"/>. Values are decimals with '.' as separator, whatever the culture.
    /// </summary>
    /// <exception cref="InvalidBlockWeightsException">Unknown preset, a value that is not a finite number, a count the layout does not take, or a layout without blocks.</exception>
    public static BlockWeights Parse(string text, BlockLayout layout, double baseValue)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (layout == BlockLayout.None)
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
        var full = layout == BlockLayout.Sd ? ForSd(values, baseValue) : ForSdxl(values, baseValue);
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

    private static (double[] Values, bool BaseFromList) ForSd(double[] values, double baseValue) => values.Length switch
    {
        26 => (values, true),
        25 => ([baseValue, .. values], false),
        20 or 19 => throw new InvalidBlockWeightsException($"{values.Length} weights is an SDXL list; this model takes 26 (BASE, IN00-IN11, M00, OUT00-OUT11) or 25 without BASE."),
        _ => throw new InvalidBlockWeightsException($"Got {values.Length} weights; this model takes 26 (BASE, IN00-IN11, M00, OUT00-OUT11) or 25 without BASE."),
    };

    private static (double[] Values, bool BaseFromList) ForSdxl(double[] values, double baseValue) => values.Length switch
    {
        20 => (values, true),
        19 => ([baseValue, .. values], false),
        26 => (DropSdOnlyBlocks(values), true),
        25 => (DropSdOnlyBlocks([baseValue, .. values]), false),
        _ => throw new InvalidBlockWeightsException($"Got {values.Length} weights; SDXL takes 20 (BASE, IN00-IN08, M00, OUT00-OUT08), 19 without BASE, or an SD list of 26/25."),
    };

    // SD list order: BASE(0), IN00-IN08(1-9), IN09-IN11(10-12), M00(13), OUT00-OUT08(14-22), OUT09-OUT11(23-25).
    private static double[] DropSdOnlyBlocks(double[] sd) => [.. sd[..10], sd[13], .. sd[14..23]];
}
