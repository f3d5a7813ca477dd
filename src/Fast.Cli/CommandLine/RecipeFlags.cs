using Fast.Merging.Blocks;
using Fast.Merging.Recipes;

namespace Fast.Cli.CommandLine;

/// <summary>
/// The recipe flags <c>merge</c> and <c>bulk</c>'s sweep form share (everything but the models A/B, the mode, the
/// calcmode, α and the α block list, which a sweep may repeat).
/// </summary>
internal static class RecipeFlags
{
    /// <summary>A recipe with model C, β, γ, the β and scaled-sum lists, position ids, dtype and the filters read.</summary>
    public static MergeRecipe ReadShared(ArgumentReader reader) => new()
    {
        C = reader.Value("-c") is { } c ? new MergeInput(c) : null,
        Beta = reader.Double("--beta", 0),
        Gamma = reader.Double("--gamma", 0.3),
        WeightsBeta = reader.Value("--weights-beta"),
        ScaledSumWeightsA = reader.Value("--weights-a"),
        ScaledSumWeightsB = reader.Value("--weights-b"),
        PositionIds = RecipeNames.ParsePositionIds(reader.Value("--position-ids") ?? "reset"),
        OutputDType = RecipeNames.ParseOutputDType(reader.Value("--dtype") ?? "keep"),
        Seed = reader.Value("--seed") is null ? null : Seed(reader.UInt64("--seed", 0)),
        RandomDigits = reader.Int("--random-round", RandomBlockWeights.DefaultDigits, 0, 300),
        RandomUpper = reader.Value("--random-upper"),
        RandomLower = reader.Value("--random-lower"),
        Elemental = reader.Value("--elemental"),
        Adjust = reader.Value("--adjust"),
        OldCalc = reader.Flag("--old-calc"),
        Exclude = Split(reader.Value("--exclude")),
        Include = Split(reader.Value("--include")),
        UserMetadata = Metadata(reader.Values("--meta")),
    };

    /// <summary><c>--meta KEY=VALUE</c>, repeatable: entries added to the output's metadata.</summary>
    private static KeyValuePair<string, string>[] Metadata(IReadOnlyList<string> entries) =>
    [
        .. entries.Select(entry => entry.IndexOf('=', StringComparison.Ordinal) is > 0 and int at
            ? new KeyValuePair<string, string>(entry[..at], entry[(at + 1)..])
            : throw new UsageException($"--meta {entry}: expected KEY=VALUE")),
    ];

    /// <summary>supermerger's seed range (numpy's legacy seeding takes 32 bits).</summary>
    private static uint Seed(ulong value) =>
        value <= uint.MaxValue ? (uint)value : throw new UsageException($"--seed must be an integer from 0 to {uint.MaxValue}, got {value}");

    private static string[] Split(string? items) =>
        items is null ? [] : items.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
