using System.Globalization;
using Fast.Merging.Architectures;
using Fast.Merging.Blocks;
using Fast.Merging.Planning;
using Fast.Merging.Recipes;

namespace Fast.Cli.Commands;

/// <summary>
/// What a merge summary adds about the weights a user gave: every block's value as it was applied (a preset or a short
/// list expanded), and one-line notes for what passes silently but is rarely meant: α or β outside [0, 1], a list
/// without BASE, a list of another layout converted.
/// </summary>
internal static class MergeNotes
{
    public static IEnumerable<string> Lines(MergePlan plan)
    {
        MergeRecipe r = plan.Recipe;
        BlockLayout layout = plan.Architecture == ArchitectureId.Unknown ? BlockLayouts.None : ArchitectureCatalog.Get(plan.Architecture).BlockLayout;
        var notes = new List<string>();
        foreach ((string name, string? list, double fallback) in new[] { ("alpha", r.WeightsAlpha, r.Alpha), ("beta", r.WeightsBeta, r.Beta) })
        {
            if (list is null || !layout.HasBlocks)
            {
                continue;
            }

            BlockWeights weights;
            try
            {
                weights = BlockWeights.Parse(list, layout, fallback);
            }
            catch (InvalidBlockWeightsException)
            {
                continue; // not a plain list (the planner already accepted it in its own form)
            }

            yield return Invariant($"  block {name,-8} {string.Join(", ", layout.Blocks.Select((b, i) => Invariant($"{b} {weights.Values[i]}")))}");
            string text = !list.Contains(',', StringComparison.Ordinal) && BlockWeightPresets.TryGetText(list.Trim(), out string preset) ? preset : list;
            int given = text.Split(',').Length;
            if (given != layout.Blocks.Count && layout.Conversions.FirstOrDefault(c => given == c.From.Blocks.Count || given == c.From.Blocks.Count - 1) is { } conversion)
            {
                notes.Add(Invariant($"  note: the {given}-value {name} list is a {conversion.From.Name} list; it was converted to {layout.Name}'s {layout.Blocks.Count} blocks ({layout.Summary})"));
            }

            if (!weights.BaseFromList)
            {
                notes.Add(Invariant($"  note: the {name} list has no BASE value ({given} values); BASE (text encoder, VAE) took {name} {fallback}"));
            }

            string[] outside = [.. layout.Blocks.Select((b, i) => (b, v: weights.Values[i])).Where(p => p.v is < 0 or > 1).Select(p => Invariant($"{p.b} {p.v}"))];
            if (outside.Length > 0)
            {
                notes.Add(Invariant($"  note: {name} is outside [0, 1] in {outside.Length} block(s) ({string.Join(", ", outside.Take(4))}{(outside.Length > 4 ? ", …" : string.Empty)}): those blocks extrapolate"));
            }
        }

        if (r.WeightsAlpha is null && r.Alpha is < 0 or > 1)
        {
            notes.Add(Invariant($"  note: alpha {r.Alpha} is outside [0, 1]: the result extrapolates"));
        }

        foreach (string note in notes)
        {
            yield return note;
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
