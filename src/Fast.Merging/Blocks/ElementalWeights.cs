using System.Globalization;

namespace Fast.Merging.Blocks;

/// <summary>
/// supermerger c60e6f3's elemental merge (<c>elementals</c>, <c>blocker</c>, <c>eratiodealer</c>): entries
/// <c>BLOCKS:ELEMENTS:RATIO</c> separated by commas or newlines, applied to α after the block weights, later entries
/// winning. BLOCKS and ELEMENTS are space-separated; either may start with <c>NOT</c> (every other one) or be empty
/// (all). A block item <c>IN00-IN05</c> is the range of block ids (either order); items match by substring against the
/// key followed by its block id (<c>key + "OUT05"</c>), so <c>IN0</c> matches IN00–IN09 and an element may also name a
/// block. RATIO is a decimal, or R, U or X drawn as <c>eratiodealer</c> does from the random weights' numpy draws
/// (draw 100 + the key's index among A's keys in sorted order; R: r, U: 1 − 2r, X: between the block's lower and upper
/// limits; Python <c>round</c>). The block id appended is the model's own (SDXL's M00, SD1's IN00 for time_embed),
/// where supermerger appends the SD1 list's name at that index (SPEC §9).
/// </summary>
public sealed class ElementalWeights
{
    /// <summary>supermerger's <c>RANDMAP[2]</c>: elemental draws start at index 100.</summary>
    public const int RandomOffset = 100;

    private readonly Entry[] _entries;

    private ElementalWeights(Entry[] entries) => _entries = entries;

    /// <summary>True when some entry draws its ratio (R, U or X), so a seed is needed.</summary>
    public bool DrawsRandom => _entries.Any(e => e.Random is not null);

    /// <summary>Parses <paramref name="text"/> for a model with <paramref name="layout"/>'s blocks.</summary>
    /// <exception cref="InvalidBlockWeightsException">An entry that is not BLOCKS:ELEMENTS:RATIO, an unknown block in a range, a bad ratio.</exception>
    public static ElementalWeights Parse(string text, BlockLayout layout)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(layout);
        var entries = new List<Entry>();
        foreach (string raw in text.Replace("\r", "", StringComparison.Ordinal).Replace('\n', ',').Split(','))
        {
            if (raw.Trim().Length == 0)
            {
                continue;
            }

            string[] parts = raw.Split(':');
            if (parts.Length != 3)
            {
                throw new InvalidBlockWeightsException($"--elemental entry '{raw.Trim()}' must be BLOCKS:ELEMENTS:RATIO (two colons), e.g. 'IN04 OUT05:attn:0.2'.");
            }

            string[] blocks = Blocker(parts[0], layout, raw.Trim());
            string[] elements = parts[1].Split(' ');
            (bool notBlocks, blocks) = blocks.Length > 0 && blocks[0] == "NOT" ? (true, blocks[1..]) : (false, blocks);
            (bool notElements, elements) = elements[0] == "NOT" ? (true, elements[1..]) : (false, elements);
            string ratio = parts[2].Trim();
            double value = 0;
            char? random = ratio is "R" or "U" or "X" ? ratio[0] : null;
            if (random is null && !double.TryParse(ratio, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            {
                throw new InvalidBlockWeightsException($"--elemental entry '{raw.Trim()}': the ratio '{ratio}' is not a decimal number, R, U or X.");
            }

            entries.Add(new Entry(blocks, notBlocks, elements, notElements, value, random));
        }

        return new ElementalWeights([.. entries]);
    }

    /// <summary>
    /// α for <paramref name="key"/> of block <paramref name="blockId"/> (index <paramref name="blockIndex"/>), whose
    /// block-weight α is <paramref name="alpha"/>; <paramref name="sortedKeyIndex"/> is its index among A's keys in
    /// sorted order (the reference's <c>num</c>), <paramref name="draws"/> the numpy draws (null without random ratios).
    /// </summary>
    /// <exception cref="InvalidBlockWeightsException">A random ratio beyond the 3000 draws or without its X limits.</exception>
    public double AlphaFor(string key, string blockId, int blockIndex, int sortedKeyIndex, double alpha, double[]? draws, int digits, double[] upper, double[] lower)
    {
        ArgumentNullException.ThrowIfNull(key);
        string searched = key + blockId;
        foreach (Entry e in _entries)
        {
            bool flag = e.NotBlocks;
            foreach (string block in e.Blocks)
            {
                if (searched.Contains(block, StringComparison.Ordinal))
                {
                    flag = !e.NotBlocks;
                }
            }

            if (!flag)
            {
                continue;
            }

            flag = e.NotElements;
            foreach (string element in e.Elements)
            {
                if (searched.Contains(element, StringComparison.Ordinal))
                {
                    flag = !e.NotElements;
                }
            }

            if (flag)
            {
                alpha = e.Random is { } kind ? Draw(kind, sortedKeyIndex, blockIndex, draws!, digits, upper, lower) : e.Value;
            }
        }

        return alpha;
    }

    private static double Draw(char kind, int keyIndex, int blockIndex, double[] draws, int digits, double[] upper, double[] lower)
    {
        int index = keyIndex + RandomOffset;
        if (index >= draws.Length)
        {
            throw new InvalidBlockWeightsException($"--elemental random ratio for key {keyIndex + 1}: supermerger draws only {draws.Length} numbers (model A has too many keys).");
        }

        double r = draws[index];
        double value = kind switch
        {
            'R' => r,
            'U' => (-2 * r) + 1,
            _ => ((Limit(lower, blockIndex, "lower") - Limit(upper, blockIndex, "upper")) * r) + Limit(upper, blockIndex, "upper"),
        };
        return PythonRound.Round(value, digits);
    }

    private static double Limit(double[] limits, int index, string which) =>
        index < limits.Length ? limits[index] : throw new InvalidBlockWeightsException($"--elemental X in block {index} has no {which} limit ({limits.Length} given).");

    /// <summary>supermerger's <c>blocker</c>: words kept, <c>A-B</c> ranges expanded over the block ids.</summary>
    private static string[] Blocker(string text, BlockLayout layout, string entry)
    {
        var output = new List<string>();
        foreach (string word in text.Split(' '))
        {
            if (!word.Contains('-', StringComparison.Ordinal))
            {
                output.Add(word);
                continue;
            }

            string[] ends = [.. word.Split('-').Select(w => w.Trim())];
            int from = layout.IndexOfBlock(ends[0]), to = ends.Length == 2 ? layout.IndexOfBlock(ends[1]) : -1;
            if (from < 0 || to < 0)
            {
                throw new InvalidBlockWeightsException($"--elemental entry '{entry}': the range '{word}' must join two block ids of model A ({string.Join(", ", layout.Blocks)}).");
            }

            for (int i = Math.Min(from, to); i <= Math.Max(from, to); i++)
            {
                output.Add(layout.Blocks[i]);
            }
        }

        return [.. output];
    }

    private sealed record Entry(string[] Blocks, bool NotBlocks, string[] Elements, bool NotElements, double Value, char? Random);
}
