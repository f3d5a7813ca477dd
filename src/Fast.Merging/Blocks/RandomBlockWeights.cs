using System.Globalization;

namespace Fast.Merging.Blocks;

/// <summary>
/// supermerger c60e6f3's random block weights ("Let the Dice roll", <c>randdealer</c>): a list whose entries may be
/// <c>R</c> (uniform in [0, 1)), <c>U</c> (in (−0.5, 1.5]) or <c>X</c> (between per-block lower and upper limits), drawn
/// from numpy's legacy generator seeded with the seed (<see cref="NumpyLegacyRandom"/>, 3000 draws, α takes draw i
/// for entry i and β draw 50 + i) and rounded with Python's <c>round(value, digits)</c> (default 3). A single letter
/// stands for 26 of it, as supermerger's random modes build the list. Other entries are kept as written.
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

    /// <summary>True when <paramref name="text"/> has an R, U or X entry (a list to draw, not a preset or plain list).</summary>
    public static bool IsRandom(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Split(',').Any(e => e.Trim() is "R" or "U" or "X");
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
    /// <exception cref="InvalidBlockWeightsException">An elemental entry (ER, EU, EX), or X without a limit for its entry.</exception>
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
            if (entry.Length == 2 && entry[0] == 'E' && entry[1] is 'R' or 'U' or 'X')
            {
                throw new InvalidBlockWeightsException($"Random entry '{entry}' (entry {i + 1}) draws elemental weights, which need elemental merge; it is not available in this version.");
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
