namespace Fast.Merging.Synthesis;

/// <summary>A synthesis request that cannot be met (unknown architecture, scale or dtype, EMA where there is none).</summary>
public sealed class InvalidSynthesisOptionsException : MergingException
{
    /// <summary>Creates the exception with its one-line message.</summary>
    public InvalidSynthesisOptionsException(string message)
        : base(message)
    {
    }
}
