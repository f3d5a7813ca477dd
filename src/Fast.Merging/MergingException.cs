namespace Fast.Merging;

/// <summary>
/// Base of the errors a user can cause through a recipe, weight list or model choice. The message is one
/// line that says what to change; the CLI maps these to an exit code without a stack trace.
/// </summary>
public abstract class MergingException : Exception
{
    /// <summary>Creates the exception with its user-facing message.</summary>
    protected MergingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its user-facing message and the error that caused it.</summary>
    protected MergingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
