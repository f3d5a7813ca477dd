namespace Fast.Merging.Lora;

/// <summary>A LoRA request that cannot be carried out as given (a module that does not fit, a bad strength); one line saying what to change.</summary>
public sealed class LoraException : MergingException
{
    /// <summary>Creates the exception with its one-line, user-facing message.</summary>
    public LoraException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public LoraException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public LoraException()
        : base("The LoRA operation cannot be carried out as asked.")
    {
    }
}
