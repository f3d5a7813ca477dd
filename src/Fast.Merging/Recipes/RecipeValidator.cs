using Fast.Merging.Blocks;
using Fast.Merging.Methods;

namespace Fast.Merging.Recipes;

/// <summary>Checks a recipe against the rules of SPEC §3–5 before any file is opened for writing.</summary>
public static class RecipeValidator
{
    /// <summary>Every rule the recipe breaks, in a stable order; empty when it can run.</summary>
    /// <param name="recipe">The recipe.</param>
    /// <param name="layout">Model A's block layout once its architecture is recognised; null to skip the block-list checks.</param>
    public static IReadOnlyList<RecipeError> Validate(MergeRecipe recipe, BlockLayout? layout)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var errors = new List<RecipeError>();
        void Add(RecipeErrorKind kind, string message) => errors.Add(new RecipeError(kind, message));

        if (string.IsNullOrWhiteSpace(recipe.A.Path))
        {
            Add(RecipeErrorKind.MissingModelA, "Model A is required; give the base model whose keys the output keeps.");
        }

        if (recipe.B is null || string.IsNullOrWhiteSpace(recipe.B.Path))
        {
            Add(RecipeErrorKind.MissingModelB, "Model B is required; give the model to merge into A.");
        }

        // Which modes a calcmode works with, and what it reads, are its catalog entry's: no switch on names here.
        MergeModeEntry modeEntry = MergeModeCatalog.Get(recipe.Mode);
        CalcModeEntry calcEntry = CalcModeCatalog.Get(recipe.CalcMode);
        var mode = modeEntry.ReferenceName;
        var calc = calcEntry.Name;
        if (!calcEntry.WorksWith(recipe.Mode))
        {
            // A calcmode whose every mode reads C needs add difference's three models; the others want weighted sum.
            RecipeErrorKind kind = calcEntry.Modes.All(m => MergeModeCatalog.Get(m).UsesC)
                ? RecipeErrorKind.CalcModeRequiresAddDifference
                : RecipeErrorKind.CalcModeRequiresWeightSum;
            Add(kind, $"Calcmode {calc} {calcEntry.ModesHint} (got {mode}).");
        }

        if (modeEntry.ScaledSumFactors && calcEntry.WholeTensor)
        {
            Add(RecipeErrorKind.ScaledSumRequiresNormal, $"{mode} has no calcmodes; use calcmode normal (got {calc}).");
        }

        var hasC = recipe.C is not null && !string.IsNullOrWhiteSpace(recipe.C.Path);
        if ((recipe.UsesModelC || calcEntry.NeedsC) && !hasC)
        {
            Add(RecipeErrorKind.MissingModelC, calcEntry.NeedsC
                ? $"Calcmode {calc} needs three models; give model C."
                : $"Mode {mode} needs three models; give model C.");
        }
        else if (!recipe.UsesModelC && hasC)
        {
            Add(RecipeErrorKind.UnusedModelC, $"Mode {mode} merges two models; drop model C or pick ad, ts or st.");
        }

        if (recipe.OldCalc && recipe.CalcMode != CalcMode.Normal)
        {
            Add(RecipeErrorKind.OldCalcRequiresNormal, $"--old-calc reproduces calcmode normal's old formulas only (got calcmode {calc}).");
        }

        if (calcEntry.DrawsRandom && recipe.Seed is null)
        {
            Add(RecipeErrorKind.MissingSeed, $"Calcmode {calc} draws torch's random numbers: give the seed with --seed N (0 to 4294967295), so the merge can be repeated.");
        }

        foreach (var (name, value) in new[] { ("alpha", recipe.Alpha), ("beta", recipe.Beta), ("gamma", recipe.Gamma) })
        {
            if (!double.IsFinite(value))
            {
                Add(RecipeErrorKind.InvalidNumber, $"{name} must be a finite number (got {value}).");
            }
        }

        foreach (var (name, input) in new[] { ("A", recipe.A), ("B", recipe.B), ("C", recipe.C) })
        {
            if (input?.Sha256 is { } sha && !IsSha256(sha))
            {
                Add(RecipeErrorKind.InvalidSha256, $"The sha256 of model {name} must be 64 hex digits (got '{sha}').");
            }
        }

        if (recipe.WeightsBeta is not null && !recipe.UsesBeta)
        {
            Add(RecipeErrorKind.UnusedBetaWeights, $"Mode {mode} with calcmode {calc} uses no beta; drop the beta block weights.");
        }

        if (!modeEntry.ScaledSumFactors && (recipe.ScaledSumWeightsA is not null || recipe.ScaledSumWeightsB is not null))
        {
            Add(RecipeErrorKind.UnusedScaledSumWeights, $"Scaled-sum factor lists apply to mode ss only (got {mode}).");
        }

        if (layout is { } known && recipe.UsesBlockWeights)
        {
            if (!known.HasBlocks)
            {
                Add(RecipeErrorKind.BlockWeightsNeedKnownArchitecture,
                    "Model A's architecture has no known blocks; block weight lists cannot apply, use a single alpha/beta.");
            }
            else
            {
                CheckList(errors, "alpha", recipe.WeightsAlpha, known, recipe.Alpha);
                CheckList(errors, "beta", recipe.WeightsBeta, known, recipe.Beta);
                CheckList(errors, "scaled-sum A", recipe.ScaledSumWeightsA, known, recipe.Alpha);
                CheckList(errors, "scaled-sum B", recipe.ScaledSumWeightsB, known, recipe.Beta);
            }
        }

        return errors;
    }

    /// <summary>Throws when <see cref="Validate"/> finds anything.</summary>
    /// <exception cref="InvalidRecipeException">The recipe breaks at least one rule.</exception>
    public static void EnsureValid(MergeRecipe recipe, BlockLayout? layout)
    {
        var errors = Validate(recipe, layout);
        if (errors.Count > 0)
        {
            throw new InvalidRecipeException(errors);
        }
    }

    private static void CheckList(List<RecipeError> errors, string name, string? text, BlockLayout layout, double baseValue)
    {
        if (text is null)
        {
            return;
        }

        try
        {
            BlockWeights.Parse(text, layout, baseValue);
        }
        catch (InvalidBlockWeightsException ex)
        {
            errors.Add(new RecipeError(RecipeErrorKind.InvalidBlockWeights, $"Block weights for {name}: {ex.Message}"));
        }
    }

    private static bool IsSha256(string text) => text.Length == 64 && text.All(Uri.IsHexDigit);
}
