namespace Fast.Testing;

/// <summary>A fresh folder under the system temp path, removed with everything in it when the test ends.</summary>
public sealed class TempDir : IDisposable
{
    /// <summary>Creates the folder; <paramref name="prefix"/> names it, so a leftover says which tests made it.</summary>
    public TempDir(string prefix = "fastmerge-test-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    public string Path { get; }

    /// <summary>The path of <paramref name="name"/> in the folder (nothing is created).</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes <paramref name="bytes"/> as <paramref name="name"/> in the folder and returns its path.</summary>
    public string Write(string name, byte[] bytes)
    {
        string path = File(name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file a test left open (or a child process still writing) must not fail the test that owns the folder.
        }
    }
}
