using System.Globalization;

namespace Fast.Merging;

/// <summary>Formats shapes the way the key lists write them, so messages and lists read alike.</summary>
internal static class ShapeFormatting
{
    public static string Format(IReadOnlyList<long> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return "[" + string.Join(",", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
    }

    public static bool SequenceEqual(IReadOnlyList<long> a, IReadOnlyList<long> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (a[i] != b[i])
            {
                return false;
            }
        }

        return true;
    }
}
