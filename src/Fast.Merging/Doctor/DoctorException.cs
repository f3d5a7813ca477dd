namespace Fast.Merging.Doctor;

/// <summary>A <c>fix</c> or <c>extract</c> request that cannot be carried out as given; the message says what to change.</summary>
public sealed class DoctorException : MergingException
{
    /// <summary>Creates the exception with its one-line, user-facing message.</summary>
    public DoctorException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public DoctorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public DoctorException()
        : base("The model cannot be repaired as asked.")
    {
    }
}
