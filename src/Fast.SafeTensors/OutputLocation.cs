namespace Fast.SafeTensors;

/// <summary>
/// Why an output cannot be created where the user asked, said about the user's path: the hidden temp file an output is
/// first written to (<see cref="TempFileNames"/>) is an implementation detail and never the subject of an error.
/// </summary>
internal static class OutputLocation
{
    // errno values .NET passes through as IOException.HResult on Unix.
    private const int ReadOnlyFileSystem = 30;
    private const int NoSuchFile = 2;

    // The names PyTorch pickles go by: safetensors bytes under them would be unpickled by loaders that trust the name.
    private static readonly HashSet<string> s_pickleExtensions = new(StringComparer.OrdinalIgnoreCase) { ".ckpt", ".pt", ".pth" };

    /// <summary>Refuses a folder given as the output, a pickle checkpoint's name (<c>.ckpt</c>) and an output in a folder that does not exist.</summary>
    /// <exception cref="IOException">The output names a folder.</exception>
    /// <exception cref="DirectoryNotFoundException">The output's folder does not exist.</exception>
    public static void Check(string path, string fullPath, string directory)
    {
        if (Directory.Exists(fullPath))
        {
            throw new IOException($"{path} is a folder; name the output file, e.g. {System.IO.Path.Combine(path, "model.safetensors")}");
        }

        if (s_pickleExtensions.Contains(System.IO.Path.GetExtension(fullPath)))
        {
            throw new IOException($"{path}: fastmerge writes safetensors, and loaders would try to unpickle a file named like a PyTorch checkpoint; name the output .safetensors");
        }

        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"cannot write {path}: folder {directory} does not exist");
        }
    }

    /// <summary>The error to report when the temp file next to <paramref name="path"/> could not be created.</summary>
    public static Exception Failure(string path, string directory, Exception e) => e switch
    {
        UnauthorizedAccessException => new UnauthorizedAccessException($"cannot write {path}: permission denied in folder {directory}", e),
        IOException { HResult: ReadOnlyFileSystem } => new IOException($"cannot write {path}: read-only file system ({directory})", e),
        DirectoryNotFoundException or FileNotFoundException or IOException { HResult: NoSuchFile } when Directory.Exists(directory) =>
            new IOException($"cannot write {path}: folder {directory} does not take new files", e),
        DirectoryNotFoundException or FileNotFoundException => new DirectoryNotFoundException($"cannot write {path}: folder {directory} does not exist", e),
        _ => new IOException($"cannot write {path}: {e.Message.Replace(System.IO.Path.Combine(directory, string.Empty), string.Empty, StringComparison.Ordinal)}", e),
    };
}
