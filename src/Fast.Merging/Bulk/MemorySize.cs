using System.Globalization;

namespace Fast.Merging.Bulk;

/// <summary>Sizes such as <c>2G</c>, <c>512M</c>, <c>1.5GiB</c> or <c>1048576</c> (binary units: K = 1024 bytes).</summary>
public static class MemorySize
{
    /// <summary>The size in bytes.</summary>
    /// <exception cref="FormatException">Not a positive number with an optional K, M, G or T unit (optionally followed by B or iB).</exception>
    public static long Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim().ToUpperInvariant();
        if (t.EndsWith("IB", StringComparison.Ordinal))
        {
            t = t[..^2];
        }
        else if (t.EndsWith('B'))
        {
            t = t[..^1];
        }

        long unit = t.Length == 0 ? 1 : t[^1] switch
        {
            'K' => 1L << 10,
            'M' => 1L << 20,
            'G' => 1L << 30,
            'T' => 1L << 40,
            _ => 1,
        };
        string number = unit == 1 ? t : t[..^1];
        if (!decimal.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal value) || value <= 0 || value * unit > long.MaxValue)
        {
            throw new FormatException($"'{text}' is not a size (examples: 2G, 512M, 1.5GiB)");
        }

        return (long)(value * unit);
    }
}
