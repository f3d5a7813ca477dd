using Fast.Merging.Hashing;

namespace Fast.Merging.Recipes;

/// <summary>
/// A recipe re-run from a merge's metadata (or a recipe file) records each input's sha256: when a file given now has
/// other bytes, the merge still runs (a user may mean a re-saved or fixed copy), but its result is not the recorded
/// merge, and the user is told so (issue 17: "re-running a recipe whose recorded input sha256 differs warns").
/// </summary>
public static class RecordedInputCheck
{
    /// <summary>One warning per input whose recorded sha256 differs from <paramref name="hashes"/> (A, B, C order).</summary>
    /// <param name="recipe">The recipe as given (its inputs' <see cref="MergeInput.Sha256"/> as recorded, or null).</param>
    /// <param name="hashes">The inputs' hashes as read by the merge; empty when inputs were not hashed (nothing is checked).</param>
    public static IReadOnlyList<string> Warnings(MergeRecipe recipe, IReadOnlyList<ModelHashes> hashes)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(hashes);
        var warnings = new List<string>();
        (string Role, MergeInput? Input)[] inputs = [("A", recipe.A), ("B", recipe.B), ("C", recipe.UsesModelC ? recipe.C : null)];
        for (int i = 0; i < inputs.Length && i < hashes.Count; i++)
        {
            if (inputs[i].Input is { Sha256: { } recorded } input && !string.Equals(recorded, hashes[i].Sha256, StringComparison.OrdinalIgnoreCase))
            {
                warnings.Add($"{inputs[i].Role} ({input.Path}) is not the file the recipe was made from: its sha256 is {hashes[i].Sha256}, the recipe records {recorded.ToLowerInvariant()}; the output is not the recorded merge");
            }
        }

        return warnings;
    }
}
