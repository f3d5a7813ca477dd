using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Fast.Merging.Recipes;

/// <summary>
/// The output name a recipe gives itself (<c>merge -o DIR/</c>): the inputs' stems, the mode and its weights, the
/// calcmode when not normal, and 8 hex digits of the sha256 of the recipe (with the inputs as file names), so two
/// recipes that differ anywhere (a block list, a filter, the dtype) never share a name:
/// <c>A_x_B_ws0.3_1a2b3c4d.safetensors</c>.
/// </summary>
public static class RecipeFileName
{
    /// <summary>The name without the hash and the extension, e.g. <c>A_x_B_ws0.3</c> (also the output's <c>modelspec.title</c>).</summary>
    public static string Stem(MergeRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var name = new StringBuilder(InputStem(recipe.A.Path));
        if (recipe.B is not null)
        {
            name.Append("_x_").Append(InputStem(recipe.B.Path));
        }

        if (recipe.UsesModelC && recipe.C is not null)
        {
            name.Append("_x_").Append(InputStem(recipe.C.Path));
        }

        name.Append('_').Append(RecipeNames.ShortName(recipe.Mode));
        name.Append(recipe.WeightsAlpha is { } weights ? (IsPresetName(weights) ? weights : "mbw") : Number(recipe.Alpha));
        if (recipe.UsesBeta)
        {
            name.Append("_b").Append(recipe.WeightsBeta is { } betas ? (IsPresetName(betas) ? betas : "mbw") : Number(recipe.Beta));
        }

        if (recipe.CalcMode != CalcMode.Normal)
        {
            name.Append('_').Append(RecipeNames.Name(recipe.CalcMode));
        }

        return name.ToString();
    }

    /// <summary>The file name: <see cref="Stem"/>, <c>_</c>, 8 hex digits of the recipe's sha256, <c>.safetensors</c>.</summary>
    public static string For(MergeRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(recipe);

        // Where the inputs live and whether their hashes are known yet must not change the name.
        MergeRecipe canonical = recipe with
        {
            A = new MergeInput(Path.GetFileName(recipe.A.Path)),
            B = recipe.B is null ? null : new MergeInput(Path.GetFileName(recipe.B.Path)),
            C = recipe.C is null ? null : new MergeInput(Path.GetFileName(recipe.C.Path)),
        };
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(RecipeJson.Serialize(canonical))))[..8];
        return $"{Stem(recipe)}_{hash}.safetensors";
    }

    private static string InputStem(string path)
    {
        string stem = Path.GetFileNameWithoutExtension(path);
        var safe = new StringBuilder(stem.Length);
        foreach (char ch in stem)
        {
            safe.Append(char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-' or '_' ? ch : '-');
        }

        return safe.Length == 0 ? "model" : safe.ToString();
    }

    private static bool IsPresetName(string weights) => weights.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-') && weights.Any(char.IsAsciiLetter);

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
