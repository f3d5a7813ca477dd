using Fast.Merging.Blocks;

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

        var mode = RecipeNames.ReferenceName(recipe.Mode);
        var calc = RecipeNames.Name(recipe.CalcMode);
        switch (recipe.CalcMode)
        {
            case CalcMode.TrainDifference or CalcMode.SmoothAdd or CalcMode.Extract when recipe.Mode != MergeMode.AddDifference:
                Add(RecipeErrorKind.CalcModeRequiresAddDifference, $"Calcmode {calc} works on three models in add difference; use mode ad (got {mode}).");
                break;
            case CalcMode.Tensor or CalcMode.Tensor2 when recipe.Mode != MergeMode.WeightSum:
                Add(RecipeErrorKind.CalcModeRequiresWeightSum, $"Calcmode {calc} works on weighted sum; use mode ws (got {mode}).");
                break;

            // As the reference: cosine weighs B against A, or with add difference the difference B − C against A.
            case CalcMode.CosineA or CalcMode.CosineB when recipe.Mode is not (MergeMode.WeightSum or MergeMode.AddDifference):
                Add(RecipeErrorKind.CalcModeRequiresWeightSum, $"Calcmode {calc} works on weighted sum (or add difference, on B − C); use mode ws or ad (got {mode}).");
                break;
        }

        if (recipe.Mode == MergeMode.ScaledSum && recipe.CalcMode != CalcMode.Normal)
        {
            Add(RecipeErrorKind.ScaledSumRequiresNormal, $"Scaled sum has no calcmodes; use calcmode normal (got {calc}).");
        }

        var hasC = recipe.C is not null && !string.IsNullOrWhiteSpace(recipe.C.Path);
        if ((recipe.UsesModelC || recipe.CalcMode == CalcMode.Extract) && !hasC)
        {
            Add(RecipeErrorKind.MissingModelC, recipe.CalcMode == CalcMode.Extract
                ? "Calcmode extract needs three models; give model C."
                : $"Mode {mode} needs three models; give model C.");
        }
        else if (!recipe.UsesModelC && hasC)
        {
            Add(RecipeErrorKind.UnusedModelC, $"Mode {mode} merges two models; drop model C or pick ad, ts or st.");
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

        if (recipe.Mode != MergeMode.ScaledSum && (recipe.ScaledSumWeightsA is not null || recipe.ScaledSumWeightsB is not null))
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
