namespace Fast.Merging.Graphs;

/// <summary>A recipe graph that cannot run: an unknown method or name, a cycle, a parameter out of range, too few models, mismatched shapes.</summary>
public sealed class InvalidGraphException : MergingException
{
    /// <summary>Creates the exception with its one-line, user-facing message.</summary>
    /// <param name="message">What is wrong and where.</param>
    public InvalidGraphException(string message)
        : base(message)
    {
    }
}
