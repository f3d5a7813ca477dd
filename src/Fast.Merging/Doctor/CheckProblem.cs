namespace Fast.Merging.Doctor;

/// <summary>One thing wrong with a checked model.</summary>
/// <param name="Kind">What kind of problem; stable, for scripts.</param>
/// <param name="Message">One line for a person.</param>
/// <param name="Fix">The <c>fastmerge fix</c> option that repairs it, or null when it cannot be repaired automatically.</param>
public sealed record CheckProblem(CheckProblemKind Kind, string Message, string? Fix);
