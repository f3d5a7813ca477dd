using Fast.SafeTensors;

namespace Fast.Merging;

/// <summary>
/// The one check that an output never lands on one of the inputs (SPEC §1.2: an input is never written), links
/// resolved, and that an existing output is only replaced with overwrite. Each command family throws its own
/// exception type with the message this returns.
/// </summary>
internal static class OutputTargets
{
    /// <summary>Why <paramref name="output"/> cannot be written, or null when it can.</summary>
    /// <param name="output">The output path.</param>
    /// <param name="overwrite">True when an existing output may be replaced.</param>
    /// <param name="inputs">The command's inputs (null entries are skipped).</param>
    /// <param name="whatToWrite">How the "is also an input" message names the output (e.g. "the repaired model").</param>
    public static string? Problem(string output, bool overwrite, IEnumerable<string?> inputs, string whatToWrite)
    {
        if (IsAnInput(output, inputs))
        {
            return $"{output} is also an input; write {whatToWrite} to another file (an input is never written)";
        }

        return !overwrite && (File.Exists(output) || Directory.Exists(output))
            ? $"{output} already exists; choose another name or pass --overwrite"
            : null;
    }

    /// <summary>
    /// True when <paramref name="output"/> is one of <paramref name="inputs"/> under any spelling: the same path
    /// (relative, <c>./</c>, <c>..</c>), a symbolic link to it, or a hard link of it (same device and inode). Writing
    /// there would replace an input, which no overwrite permission allows.
    /// </summary>
    public static bool IsAnInput(string output, IEnumerable<string?> inputs)
    {
        string target = Resolve(output);
        FileStamp? outputFile = Stamp(output);
        return inputs.Any(input => input is not null && (string.Equals(Resolve(input), target, StringComparison.Ordinal)
            || (outputFile is { } o && Stamp(input) is { } i && o.Device == i.Device && o.Inode == i.Inode)));
    }

    private static FileStamp? Stamp(string path)
    {
        try
        {
            return File.Exists(path) ? FileStamp.OfPath(path) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string Resolve(string path)
    {
        string full = Path.GetFullPath(path);

        // An output that does not exist yet (the usual case) is its own target: ResolveLinkTarget would throw for it,
        // and a run's first exception costs milliseconds. A dangling link exists for Path.Exists (lstat).
        if (!Path.Exists(full))
        {
            return full;
        }

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
