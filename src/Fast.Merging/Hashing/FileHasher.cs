using Fast.SafeTensors;

namespace Fast.Merging.Hashing;

/// <summary>Computes <see cref="ModelHashes"/> of a file as A1111 does (SPEC §8).</summary>
public static class FileHasher
{
    /// <summary>Where the legacy hash starts reading.</summary>
    public const long LegacyOffset = 0x100000;

    /// <summary>How many bytes the legacy hash reads (fewer when the file ends first).</summary>
    public const int LegacyLength = 0x10000;

    private const int BufferSize = 1 << 20;

    /// <summary>Hashes the whole file in one sequential pass.</summary>
    /// <exception cref="IOException">Not a regular file (a FIFO would never end, a device or /proc file has no fixed content).</exception>
    /// <exception cref="FileChangedException">The file was written, truncated or replaced while being hashed.</exception>
    public static ModelHashes Compute(string path, CancellationToken cancellation = default) => Compute(path, expected: null, cancellation).Hashes;

    /// <summary>
    /// Hashes the file at <paramref name="path"/> and returns the stamp of the bytes hashed: the same before and after
    /// the pass, else the hash would describe no version of the file. With <paramref name="expected"/>, the file
    /// hashed must be that version (the one a merge opened), not whatever the path names now.
    /// </summary>
    internal static (ModelHashes Hashes, FileStamp Stamp) Compute(string path, FileStamp? expected, CancellationToken cancellation)
    {
        FileStamp.EnsureRegularFile(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        FileStamp before = FileStamp.Of(stream.SafeFileHandle, path);
        if (expected is { } want && before != want)
        {
            throw new FileChangedException(path, "the path now names another file or version than the one opened");
        }

        if (!before.IsRegularFile)
        {
            throw new IOException($"{path}: not a regular file");
        }

        ModelHashes hashes = Compute(stream, cancellation);
        FileStamp after = FileStamp.Of(stream.SafeFileHandle, path);
        if (after != before || stream.Position != before.Size)
        {
            throw new FileChangedException(path, "written while it was hashed");
        }

        return (hashes, before);
    }

    /// <summary>Hashes a readable stream from its current position to its end.</summary>
    public static ModelHashes Compute(Stream stream, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var hashes = new ModelHashAccumulator();
        byte[] buffer = new byte[BufferSize];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            cancellation.ThrowIfCancellationRequested();
            hashes.Append(buffer.AsSpan(0, read));
        }

        return hashes.Finish();
    }
}
