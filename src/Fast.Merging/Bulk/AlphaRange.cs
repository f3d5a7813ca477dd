using System.Globalization;

namespace Fast.Merging.Bulk;

/// <summary>
/// α values of a sweep: <c>start:stop:step</c> (stop included when a step lands on it) or a single number. The steps
/// are counted in decimal, so <c>0:1:0.05</c> gives exactly 0, 0.05, …, 0.95, 1 (the doubles nearest those decimals),
/// never the drift of repeated binary additions.
/// </summary>
public static class AlphaRange
{
    /// <summary>More values than this is surely a typo in the step.</summary>
    public const int MaxValues = 100_000;

    /// <summary>The values of <paramref name="text"/>, in order.</summary>
    /// <exception cref="FormatException">Not a number or a <c>start:stop:step</c> range with a step that moves towards stop.</exception>
    public static IReadOnlyList<double> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split(':');
        if (parts.Length == 1)
        {
            return [(double)Number(parts[0], text)];
        }

        if (parts.Length != 3)
        {
            throw new FormatException($"alpha range '{text}' must be start:stop:step or one number");
        }

        decimal start = Number(parts[0], text), stop = Number(parts[1], text), step = Number(parts[2], text);
        if (step == 0 || (stop - start != 0 && Math.Sign(stop - start) != Math.Sign(step)))
        {
            throw new FormatException($"alpha range '{text}': the step must be non-zero and go from start towards stop");
        }

        decimal count = decimal.Floor((stop - start) / step) + 1;
        if (count > MaxValues)
        {
            throw new FormatException($"alpha range '{text}' has {count} values, over {MaxValues}");
        }

        var values = new List<double>((int)count);
        for (int i = 0; i < (int)count; i++)
        {
            values.Add((double)(start + (i * step)));
        }

        return values;
    }

    private static decimal Number(string part, string text) =>
        decimal.TryParse(part.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out decimal value)
            ? value
            : throw new FormatException($"alpha range '{text}': '{part}' is not a number");
}
