using System.Globalization;
using System.Text.RegularExpressions;

namespace Fast.Merging.Blocks;

/// <summary>
/// One line of a <see cref="BlockLayout"/>'s table: a key pattern and the block it sends matching keys to. Rules are
/// tried in order and the first that matches decides, so a layout reads top to bottom like its SPEC paragraph.
/// </summary>
public sealed class BlockRule
{
    private readonly Func<string, int?> _match;

    private BlockRule(string description, Func<string, int?> match)
    {
        Description = description;
        _match = match;
    }

    /// <summary>The pattern as a person reads it, e.g. <c>contains ".out." → OUT11</c> (for docs and test names).</summary>
    public string Description { get; }

    /// <summary>Keys containing <paramref name="text"/> go to block index <paramref name="block"/>.</summary>
    public static BlockRule Contains(string text, int block) =>
        new($"contains '{text}' → {block}", key => key.Contains(text, StringComparison.Ordinal) ? block : null);

    /// <summary>Keys starting with <paramref name="prefix"/> go to block index <paramref name="block"/>.</summary>
    public static BlockRule StartsWith(string prefix, int block) =>
        new($"starts with '{prefix}' → {block}", key => key.StartsWith(prefix, StringComparison.Ordinal) ? block : null);

    /// <summary>Keys matching <paramref name="pattern"/> go to block index <paramref name="block"/>.</summary>
    public static BlockRule Matches(Regex pattern, int block)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return new($"matches '{pattern}' → {block}", key => pattern.IsMatch(key) ? block : null);
    }

    /// <summary>
    /// Keys matching <paramref name="pattern"/> (whose first group is a block number n) go to block index
    /// <paramref name="first"/> + n. A number the layout does not have (n ≥ <paramref name="count"/>: a model that
    /// only looks like this one) gets BASE rather than a made-up block, and no later rule is tried.
    /// </summary>
    public static BlockRule Numbered(Regex pattern, int first, int count)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return new($"matches '{pattern}' → {first} + n (n < {count})", key =>
        {
            var match = pattern.Match(key);
            if (!match.Success)
            {
                return null;
            }

            return int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n < count
                ? first + n
                : BlockLayout.BaseIndex;
        });
    }

    /// <summary>The block index this rule gives <paramref name="key"/>, or null when the rule does not apply.</summary>
    public int? Match(string key) => _match(key);

    /// <inheritdoc />
    public override string ToString() => Description;
}
