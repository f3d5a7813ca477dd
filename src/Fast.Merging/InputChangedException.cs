using Fast.SafeTensors;

namespace Fast.Merging;

/// <summary>
/// An input model was truncated, rewritten or replaced by another process during the merge: the output would mix
/// bytes of two versions, or record a hash of bytes the merge did not use, so none is written.
/// </summary>
public sealed class InputChangedException : MergingException
{
    /// <summary>Creates the exception for input <paramref name="role"/> (A, B or C) from what the reader saw.</summary>
    public InputChangedException(string role, FileChangedException innerException)
        : base($"{role} changed while being read: {innerException?.Message}", innerException!)
    {
        ArgumentNullException.ThrowIfNull(innerException);
        Role = role;
        FilePath = innerException.FilePath;
    }

    /// <summary>
    /// Creates the exception for an input of a bulk run, which stops there (one file can be A of one variant and B of
    /// another, so it has no role): <paramref name="consequence"/> says what was kept.
    /// </summary>
    public InputChangedException(FileChangedException innerException, string consequence)
        : base($"{innerException?.Message}; {consequence}", innerException!)
    {
        ArgumentNullException.ThrowIfNull(innerException);
        FilePath = innerException.FilePath;
    }

    /// <summary>Which input: A, B or C; null for a bulk run's input.</summary>
    public string? Role { get; }

    /// <summary>The input's path.</summary>
    public string FilePath { get; }
}
