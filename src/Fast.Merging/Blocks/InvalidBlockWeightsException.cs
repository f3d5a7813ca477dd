namespace Fast.Merging.Blocks;

/// <summary>A block weight list that cannot be used: wrong count, not a number, unknown preset, or a model without blocks.</summary>
public sealed class InvalidBlockWeightsException : MergingException
{
    /// <summary>Creates the exception with its one-line message.</summary>
    public InvalidBlockWeightsException(string message)
        : base(message)
    {
    }
}
