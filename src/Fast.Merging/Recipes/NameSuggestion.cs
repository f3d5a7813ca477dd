namespace Fast.Merging.Recipes;

/// <summary>
/// The known name a misspelt one was most likely meant to be ("alhpa" → "alpha"): the closest by optimal string
/// alignment distance (insertions, deletions, substitutions and swaps of neighbours, the typos hands make), within a
/// third of the name's length and at most 2; null when nothing is that close, so a wild guess is never offered.
/// </summary>
public static class NameSuggestion
{
    /// <summary>The closest of <paramref name="known"/> to <paramref name="given"/> (case-insensitive), or null.</summary>
    public static string? Closest(string given, IEnumerable<string> known)
    {
        ArgumentNullException.ThrowIfNull(given);
        ArgumentNullException.ThrowIfNull(known);
        int limit = Math.Clamp(given.Length / 3, 1, 2);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string name in known)
        {
            int distance = Distance(given.ToUpperInvariant(), name.ToUpperInvariant());
            if (distance <= limit && distance < bestDistance)
            {
                (best, bestDistance) = (name, distance);
            }
        }

        return best;
    }

    /// <summary>" (did you mean 'alpha'?)", or empty when nothing is close.</summary>
    public static string Hint(string given, IEnumerable<string> known) =>
        Closest(given, known) is { } name ? $" (did you mean '{name}'?)" : string.Empty;

    private static int Distance(string s, string t)
    {
        var d = new int[s.Length + 1, t.Length + 1];
        for (int i = 0; i <= s.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= t.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= s.Length; i++)
        {
            for (int j = 1; j <= t.Length; j++)
            {
                int cost = s[i - 1] == t[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && s[i - 1] == t[j - 2] && s[i - 2] == t[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[s.Length, t.Length];
    }
}
