namespace Fast.Merging.Bulk;

/// <summary>
/// A plan that cannot be run at all (bad JSON lines, duplicate outputs, a bad sweep range). The message names the
/// source and the first problem; <see cref="Errors"/> holds every one.
/// </summary>
public sealed class BulkPlanException : MergingException
{
    /// <summary>Creates the exception for <paramref name="source"/> (a PLAN path or "sweep") and its problems.</summary>
    public BulkPlanException(string source, IReadOnlyList<BulkPlanError> errors)
        : base(Describe(source, errors))
    {
        Source = source;
        Errors = errors;
    }

    /// <summary>The PLAN path or "sweep".</summary>
    public new string Source { get; }

    /// <summary>Every problem found, in line order.</summary>
    public IReadOnlyList<BulkPlanError> Errors { get; }

    /// <summary>One line for one problem: "<c>SOURCE line N: message</c>".</summary>
    public static string Describe(string source, BulkPlanError error) =>
        error.Line is { } line ? $"{source} line {line}: {error.Message}" : $"{source}: {error.Message}";

    private static string Describe(string source, IReadOnlyList<BulkPlanError> errors) =>
        errors.Count == 0 ? $"{source}: unusable plan"
        : errors.Count == 1 ? Describe(source, errors[0])
        : $"{Describe(source, errors[0])} (and {errors.Count - 1} more)";
}
