namespace Fast.Merging.Recipes;

/// <summary>One broken rule of a recipe, with a message that says what to change.</summary>
/// <param name="Kind">The rule.</param>
/// <param name="Message">One line for the user.</param>
public sealed record RecipeError(RecipeErrorKind Kind, string Message);
