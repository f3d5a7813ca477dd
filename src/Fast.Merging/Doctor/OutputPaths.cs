namespace Fast.Merging.Doctor;

/// <summary>The doctor's output guard (<see cref="OutputTargets"/>) with its own exception.</summary>
internal static class OutputPaths
{
    /// <exception cref="DoctorException">The output is one of the inputs, or exists and <paramref name="overwrite"/> is false.</exception>
    public static void EnsureWritable(string output, bool overwrite, params string?[] inputs)
    {
        if (OutputTargets.Problem(output, overwrite, inputs, "the repaired model") is { } problem)
        {
            throw new DoctorException(problem);
        }
    }
}
