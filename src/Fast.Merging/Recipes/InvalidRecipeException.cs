namespace Fast.Merging.Recipes;

/// <summary>A recipe that cannot be run; <see cref="Errors"/> lists every broken rule, the message shows the first.</summary>
public sealed class InvalidRecipeException : MergingException
{
    /// <summary>Creates the exception from the broken rules (at least one).</summary>
    public InvalidRecipeException(IReadOnlyList<RecipeError> errors)
        : base(First(errors).Message + (errors.Count > 1 ? $" (and {errors.Count - 1} more problem(s))" : string.Empty))
    {
        Errors = errors;
    }

    /// <summary>Every broken rule.</summary>
    public IReadOnlyList<RecipeError> Errors { get; }

    /// <summary>The first broken rule's kind.</summary>
    public RecipeErrorKind Kind => Errors[0].Kind;

    private static RecipeError First(IReadOnlyList<RecipeError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Count > 0 ? errors[0] : throw new ArgumentException("At least one error is required.", nameof(errors));
    }
}
