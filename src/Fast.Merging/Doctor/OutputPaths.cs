namespace Fast.Merging.Doctor;

/// <summary>Guards that an output never lands on one of the inputs (SPEC §1.2: an input is never written).</summary>
internal static class OutputPaths
{
    /// <exception cref="DoctorException">The output is one of the inputs, or exists and <paramref name="overwrite"/> is false.</exception>
    public static void EnsureWritable(string output, bool overwrite, params string?[] inputs)
    {
        string target = Resolve(output);
        foreach (string? input in inputs)
        {
            if (input is not null && string.Equals(Resolve(input), target, StringComparison.Ordinal))
            {
                throw new DoctorException($"{output} is also an input; write the repaired model to another file (the input is never written)");
            }
        }

        if (!overwrite && (File.Exists(output) || Directory.Exists(output)))
        {
            throw new DoctorException($"{output} already exists; choose another name or pass --overwrite");
        }
    }

    private static string Resolve(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            return File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException)
        {
            return full;
        }
    }
}
