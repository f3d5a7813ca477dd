using Fast.SafeTensors;

namespace Fast.Merging.Execution;

/// <summary>
/// The opened input models of one merge; <see cref="C"/> only for three-model modes. <see cref="Reader"/> is how their
/// bytes are read (directly, or from the bulk engine's shared windows).
/// </summary>
internal sealed record MergeSources(SafeTensorsFile A, SafeTensorsFile B, SafeTensorsFile? C)
{
    public IInputReader Reader { get; init; } = InputTensors.Direct;

    /// <summary>
    /// Fails when any input changed since it was opened (called before the output is committed: bytes read before a
    /// rewrite and after it must never land in one output).
    /// </summary>
    /// <exception cref="InputChangedException">An input changed.</exception>
    public void EnsureUnchanged()
    {
        foreach (SafeTensorsFile file in Files())
        {
            try
            {
                file.EnsureUnchanged();
            }
            catch (FileChangedException e)
            {
                throw Changed(e);
            }
        }
    }

    /// <summary>The user-facing error for a read of one of these inputs that found it changed.</summary>
    public InputChangedException Changed(FileChangedException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string role = string.Equals(e.FilePath, A.Path, StringComparison.Ordinal) ? "A"
            : string.Equals(e.FilePath, B.Path, StringComparison.Ordinal) ? "B"
            : "C";
        return new InputChangedException(role, e);
    }

    private IEnumerable<SafeTensorsFile> Files()
    {
        yield return A;
        yield return B;
        if (C is not null)
        {
            yield return C;
        }
    }
}
