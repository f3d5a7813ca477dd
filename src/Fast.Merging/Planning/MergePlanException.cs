namespace Fast.Merging.Planning;

/// <summary>A merge that cannot be planned: incompatible models, shapes, or a recipe this version cannot run.</summary>
public sealed class MergePlanException : MergingException
{
    /// <summary>Creates the exception with its one-line, user-facing message.</summary>
    public MergePlanException(string message)
        : base(message)
    {
    }
}
