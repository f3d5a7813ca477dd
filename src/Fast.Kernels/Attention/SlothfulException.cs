namespace Fast.Kernels.Attention;

/// <summary>
/// Parameters or buffers that SlothfulAttention cannot pool (depth 0, an N that does not fit the grid, a buffer of the
/// wrong size, a blend outside [0, 1], an unknown mode). The node crashes on some of these; we say what is wrong.
/// </summary>
public sealed class SlothfulException : ArgumentException
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public SlothfulException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception (for serializers and analyzers).</summary>
    public SlothfulException()
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    public SlothfulException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
