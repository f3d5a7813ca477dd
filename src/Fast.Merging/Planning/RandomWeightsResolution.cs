using Fast.Merging.Blocks;
using Fast.Merging.Recipes;

namespace Fast.Merging.Planning;

/// <summary>
/// Turns a recipe's random block-weight lists (<see cref="RandomBlockWeights"/>: R, U, X entries) into the drawn lists
/// the planner weighs with, and the record the metadata keeps. It lives with the planner, not with the block lists:
/// it reads and rewrites a recipe, and Blocks sits below Recipes.
/// </summary>
internal static class RandomWeightsResolution
{
    /// <summary>
    /// <paramref name="recipe"/> with its α and β lists drawn where they have R, U or X entries (then
    /// <paramref name="record"/> is the JSON the metadata keeps under <see cref="RandomBlockWeights.MetadataKey"/>); otherwise the recipe
    /// itself and a null record. The drawn recipe is what is planned and recorded, so a merge re-run from its metadata
    /// gives the same bytes.
    /// </summary>
    /// <exception cref="InvalidRecipeException">Random entries without a seed, or entries that cannot be drawn.</exception>
    public static MergeRecipe Resolve(MergeRecipe recipe, out string? record)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        record = null;
        bool alpha = recipe.WeightsAlpha is { } a && RandomBlockWeights.IsRandom(a);
        bool beta = recipe.WeightsBeta is { } b && RandomBlockWeights.IsRandom(b);
        if (!alpha && !beta)
        {
            return recipe;
        }

        if (recipe.Seed is not uint seed)
        {
            throw new InvalidRecipeException([new RecipeError(
                RecipeErrorKind.InvalidBlockWeights,
                "A block weight list with R, U, X, ER, EU or EX entries draws random weights: give the seed with --seed N (0 to 4294967295).")]);
        }

        try
        {
            // The α list's ER/EU/EX entries become elemental entries after the user's own (randdealer appends them).
            string? added = alpha ? RandomBlockWeights.ElementalEntries(recipe.WeightsAlpha!) : null;
            MergeRecipe drawn = recipe with
            {
                WeightsAlpha = alpha ? RandomBlockWeights.Draw(recipe.WeightsAlpha!, seed, beta: false, recipe.RandomDigits, recipe.RandomUpper, recipe.RandomLower) : recipe.WeightsAlpha,
                WeightsBeta = beta ? RandomBlockWeights.Draw(recipe.WeightsBeta!, seed, beta: true, recipe.RandomDigits, recipe.RandomUpper, recipe.RandomLower) : recipe.WeightsBeta,
                Elemental = added is null ? recipe.Elemental : string.IsNullOrEmpty(recipe.Elemental) ? added : recipe.Elemental + "," + added,
            };
            var json = new PythonJsonWriter();
            json.BeginObject();
            json.Name("seed");
            json.Integer(seed);
            json.Name("round");
            json.Integer(recipe.RandomDigits);
            json.Name("weights_alpha");
            json.String(recipe.WeightsAlpha);
            json.Name("weights_alpha_drawn");
            json.String(alpha ? drawn.WeightsAlpha : null);
            json.Name("weights_beta");
            json.String(recipe.WeightsBeta);
            json.Name("weights_beta_drawn");
            json.String(beta ? drawn.WeightsBeta : null);
            json.Name("elemental_added");
            json.String(added);
            json.EndObject();
            record = json.ToString();
            return drawn;
        }
        catch (InvalidBlockWeightsException ex)
        {
            throw new InvalidRecipeException([new RecipeError(RecipeErrorKind.InvalidBlockWeights, ex.Message)]);
        }
    }
}
