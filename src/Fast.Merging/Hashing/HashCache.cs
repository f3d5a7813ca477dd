using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Fast.SafeTensors;

namespace Fast.Merging.Hashing;

/// <summary>
/// Remembers <see cref="ModelHashes"/> by full path and <see cref="FileStamp"/> (device, inode, size, mtime, ctime),
/// so a model merged again (sweeps, re-runs) is not read a second time just to be hashed, while a file replaced or
/// rewritten with the same size and mtime (ctime and usually the inode move) is hashed again. Entries live in a
/// tab-separated file (<c>$FASTMERGE_CACHE_DIR</c>, else <c>$XDG_CACHE_HOME/fastmerge</c>, else
/// <c>~/.cache/fastmerge</c>); a cache that cannot be read or written is simply not used.
/// </summary>
public sealed class HashCache
{
    // v2: the key gained device, inode and ctime; lines of the older five-field form are ignored (hashed again).
    private const string FileName = "hashes.tsv";
    private const int Fields = 8;

    private readonly string? _file;
    private readonly ConcurrentDictionary<string, (FileStamp Stamp, ModelHashes Hashes)> _entries = new(StringComparer.Ordinal);
    private readonly Lock _writeLock = new();

    /// <summary>Opens the cache in <paramref name="directory"/>, or in memory only when null.</summary>
    public HashCache(string? directory)
    {
        if (directory is null)
        {
            return;
        }

        _file = System.IO.Path.Combine(directory, FileName);
        try
        {
            foreach (string line in File.ReadLines(_file))
            {
                string[] f = line.Split('\t');
                if (f.Length == Fields
                    && ulong.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out ulong device)
                    && ulong.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out ulong inode)
                    && long.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out long size)
                    && long.TryParse(f[4], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long mtime)
                    && long.TryParse(f[5], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long ctime)
                    && f[6].Length == 64 && f[7].Length == 8)
                {
                    _entries[f[0]] = (new FileStamp(device, inode, size, mtime, ctime, IsRegularFile: true), new ModelHashes(f[6], f[7]));
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The process-wide cache in the user's cache directory.</summary>
    public static HashCache Default { get; } = new(DefaultDirectory());

    /// <summary>True when the hashes of <paramref name="path"/> were computed or loaded (whatever its current size and mtime).</summary>
    internal bool Knows(string path) => _entries.ContainsKey(new FileInfo(path).FullName);

    /// <summary>The hashes of <paramref name="path"/>, from the cache when its stamp still matches, else computed and remembered.</summary>
    /// <exception cref="IOException">Not a regular file.</exception>
    /// <exception cref="FileChangedException">The file changed while it was hashed.</exception>
    public ModelHashes Get(string path, CancellationToken cancellation = default) => Get(path, FileStamp.OfPath(path), cancellation);

    /// <summary>
    /// The hashes of the version <paramref name="expected"/> of <paramref name="path"/> (the stamp of the handle a merge
    /// reads): from the cache when it holds that version, else computed from it.
    /// </summary>
    /// <exception cref="FileChangedException">The path no longer names that version, or it changed while hashed.</exception>
    public ModelHashes Get(string path, FileStamp expected, CancellationToken cancellation = default)
    {
        string key = System.IO.Path.GetFullPath(path);
        if (_entries.TryGetValue(key, out var hit) && hit.Stamp == expected)
        {
            return hit.Hashes;
        }

        (ModelHashes hashes, FileStamp stamp) = FileHasher.Compute(path, expected, cancellation);
        _entries[key] = (stamp, hashes);
        Append(key, stamp, hashes);
        return hashes;
    }

    /// <summary>The cached hashes of the version <paramref name="stamp"/> of <paramref name="path"/>, without computing anything.</summary>
    public bool TryGet(string path, FileStamp stamp, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ModelHashes? hashes)
    {
        hashes = _entries.TryGetValue(System.IO.Path.GetFullPath(path), out var hit) && hit.Stamp == stamp ? hit.Hashes : null;
        return hashes is not null;
    }

    /// <summary>
    /// Records hashes computed elsewhere (while a merge read the file, or wrote it) for the version
    /// <paramref name="stamp"/> of <paramref name="path"/>.
    /// </summary>
    public void Remember(string path, FileStamp stamp, ModelHashes hashes)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        string key = System.IO.Path.GetFullPath(path);
        _entries[key] = (stamp, hashes);
        Append(key, stamp, hashes);
    }

    private void Append(string key, FileStamp stamp, ModelHashes hashes)
    {
        if (_file is null || key.Contains('\t', StringComparison.Ordinal) || key.Contains('\n', StringComparison.Ordinal))
        {
            return;
        }

        string line = string.Create(
            CultureInfo.InvariantCulture,
            $"{key}\t{stamp.Device}\t{stamp.Inode}\t{stamp.Size}\t{stamp.MTimeNs}\t{stamp.CTimeNs}\t{hashes.Sha256}\t{hashes.LegacyHash}\n");
        lock (_writeLock)
        {
            try
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(_file)!);
                File.AppendAllText(_file, line, Encoding.UTF8);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private static string? DefaultDirectory()
    {
        string? explicitDir = Environment.GetEnvironmentVariable("FASTMERGE_CACHE_DIR");
        if (!string.IsNullOrEmpty(explicitDir))
        {
            return explicitDir;
        }

        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg))
        {
            return System.IO.Path.Combine(xdg, "fastmerge");
        }

        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home) ? null : System.IO.Path.Combine(home, ".cache", "fastmerge");
    }
}
