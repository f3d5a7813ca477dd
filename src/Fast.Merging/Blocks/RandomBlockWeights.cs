using System.Globalization;

namespace Fast.Merging.Blocks;

/// <summary>
/// supermerger c60e6f3's random block weights ("Let the Dice roll", <c>randdealer</c>): a list whose entries may be
/// <c>R</c> (uniform in [0, 1)), <c>U</c> (in (−0.5, 1.5]) or <c>X</c> (between per-block lower and upper limits), drawn
/// from numpy's legacy generator seeded with the seed (<see cref="NumpyLegacyRandom"/>, 3000 draws, α takes draw i
/// for entry i and β draw 50 + i) and rounded with Python's <c>round(value, digits)</c> (default 3). A single letter
/// stands for 26 of it, as supermerger's random modes build the list. An α entry <c>ER</c>, <c>EU</c> or <c>EX</c> sets
/// its block to 0 and adds an elemental entry drawing that block's ratio per key (<see cref="ElementalEntries"/>).
/// Other entries are kept as written.
/// </summary>
public static class RandomBlockWeights
{
    /// <summary>supermerger draws <c>np.random.rand(3000)</c> once per merge.</summary>
    public const int Draws = 3000;

    /// <summary>Index of the first draw β uses (<c>RANDMAP[1]</c>); α starts at 0.</summary>
    public const int BetaOffset = 50;

    /// <summary>supermerger's default for "Round".</summary>
    public const int DefaultDigits = 3;

    private const int SdListLength = 26;

    /// <summary>Metadata key of the record of a draw: the seed, the lists as given and as drawn.</summary>
    public const string MetadataKey = "fastmerge.random";

    /// <summary>
    /// True when <paramref name="text"/> has an R, U or X entry, or an elemental ER, EU or EX entry (a list to draw, not
    /// a preset or plain list).
    /// </summary>
    public static bool IsRandom(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Split(',').Any(e => e.Trim() is "R" or "U" or "X" or "ER" or "EU" or "EX");
    }

    /// <summary>
    /// The elemental entries the α list's ER, EU and EX entries stand for, as <c>randdealer</c> appends them to the
    /// elemental text: one <c>BLOCKS::R</c> (then <c>::U</c>, <c>::X</c>) entry naming every block so marked, for all
    /// of its elements, its ratio drawn per key; null when there are none. supermerger names the block by its index in
    /// the 26-entry SD list, so these entries need a list of 26.
    /// </summary>
    /// <exception cref="InvalidBlockWeightsException">E entries in a list that is not 26 entries long.</exception>
    public static string? ElementalEntries(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] entries = text.Split(',');
        var blocks = new Dictionary<char, List<string>> { ['R'] = [], ['U'] = [], ['X'] = [] };
        for (int i = 0; i < entries.Length; i++)
        {
            if (entries[i].Trim() is not ("ER" or "EU" or "EX"))
            {
                continue;
            }

            if (entries.Length != SdListLength)
            {
                throw new InvalidBlockWeightsException(
                    $"Elemental random entry '{entries[i].Trim()}' (entry {i + 1}) needs a list of {SdListLength} block weights (supermerger names the block by its place in the SD list); this list has {entries.Length}.");
            }

            blocks[entries[i].Trim()[1]].Add(BlockIds.Sd[i]);
        }

        string[] made = [.. blocks.Where(kv => kv.Value.Count > 0).Select(kv => $"{string.Join(' ', kv.Value)}::{kv.Key}")];
        return made.Length == 0 ? null : string.Join(',', made);
    }

    /// <summary>
    /// The list with every R, U and X entry replaced by its draw, as <c>randdealer</c> writes it (the values it returns
    /// are those doubles; the text is their shortest round-trip form).
    /// </summary>
    /// <param name="text">The list (or a single R, U or X for 26 of them).</param>
    /// <param name="seed">The seed (<c>np.random.seed</c>).</param>
    /// <param name="beta">True for the β list (draws 50 + i).</param>
    /// <param name="digits">Python <c>round</c> digits.</param>
    /// <param name="upper">X's upper limits, one per entry (default 1 each).</param>
    /// <param name="lower">X's lower limits, one per entry (default 0 each).</param>
    /// <exception cref="InvalidBlockWeightsException">An elemental entry (ER, EU, EX) in the β list, or X without a limit for its entry.</exception>
    public static string Draw(string text, uint seed, bool beta, int digits = DefaultDigits, string? upper = null, string? lower = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        string[] entries = trimmed is "R" or "U" or "X" ? [.. Enumerable.Repeat(trimmed, SdListLength)] : text.Split(',');
        double[] upperLimits = Limits(upper, 1, "upper");
        double[] lowerLimits = Limits(lower, 0, "lower");
        double[] draws = new NumpyLegacyRandom(seed).NextDoubles(Draws);
        int offset = beta ? BetaOffset : 0;
        var output = new string[entries.Length];
        for (int i = 0; i < entries.Length; i++)
        {
            string entry = entries[i].Trim();
            if (entry is "ER" or "EU" or "EX")
            {
                // randdealer writes 0 for the block; the elemental entry it makes is kept for the α list only (its
                // β call drops it), so in β the entry would silently zero the block.
                output[i] = beta
                    ? throw new InvalidBlockWeightsException($"Elemental random entry '{entry}' (entry {i + 1}) in --weights-beta: supermerger zeroes that block and drops the elemental draw (it takes them from the α list only); use it in --weights-alpha.")
                    : "0";
                continue;
            }

            if (entry is not ("R" or "U" or "X"))
            {
                output[i] = entries[i];
                continue;
            }

            if (i + offset >= Draws)
            {
                throw new InvalidBlockWeightsException($"Random entry {i + 1} is beyond the {Draws} draws supermerger makes.");
            }

            double r = draws[i + offset];
            double value = entry switch
            {
                "R" => r,
                "U" => (-2 * r) + 1.5,
                _ => ((Limit(lowerLimits, i, "lower") - Limit(upperLimits, i, "upper")) * r) + Limit(upperLimits, i, "upper"),
            };
            output[i] = PythonRound.Round(value, digits).ToString("R", CultureInfo.InvariantCulture);
        }

        return string.Join(',', output);
    }

    internal static double[] Limits(string? text, double fallback, string which)
    {
        if (text is null)
        {
            return [.. Enumerable.Repeat(fallback, SdListLength)];
        }

        string[] parts = text.Split(',');
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
            {
                throw new InvalidBlockWeightsException($"The {which} limit {i + 1} for X, '{parts[i].Trim()}', is not a decimal number.");
            }
        }

        return values;
    }

    private static double Limit(double[] limits, int index, string which) =>
        index < limits.Length
            ? limits[index]
            : throw new InvalidBlockWeightsException($"X at entry {index + 1} has no {which} limit ({limits.Length} given).");
}
