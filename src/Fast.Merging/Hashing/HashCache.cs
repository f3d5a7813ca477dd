using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Fast.Merging.Hashing;

/// <summary>
/// Remembers <see cref="ModelHashes"/> by full path, size and modification time, so a model merged again
/// (sweeps, re-runs) is not read a second time just to be hashed. Entries live in a tab-separated file
/// (<c>$FASTMERGE_CACHE_DIR</c>, else <c>$XDG_CACHE_HOME/fastmerge</c>, else <c>~/.cache/fastmerge</c>);
/// a cache that cannot be read or written is simply not used.
/// </summary>
public sealed class HashCache
{
    private const string FileName = "hashes.tsv";

    private readonly string? _file;
    private readonly ConcurrentDictionary<string, (long Size, long MTime, ModelHashes Hashes)> _entries = new(StringComparer.Ordinal);
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
                if (f.Length == 5
                    && long.TryParse(f[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out long size)
                    && long.TryParse(f[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out long mtime)
                    && f[3].Length == 64 && f[4].Length == 8)
                {
                    _entries[f[0]] = (size, mtime, new ModelHashes(f[3], f[4]));
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

    /// <summary>The hashes of <paramref name="path"/>, from the cache when size and mtime still match, else computed and remembered.</summary>
    public ModelHashes Get(string path, CancellationToken cancellation = default)
    {
        var info = new FileInfo(path);
        string key = info.FullName;
        long size = info.Length;
        long mtime = info.LastWriteTimeUtc.Ticks;
        if (_entries.TryGetValue(key, out var hit) && hit.Size == size && hit.MTime == mtime)
        {
            return hit.Hashes;
        }

        ModelHashes hashes = FileHasher.Compute(path, cancellation);
        _entries[key] = (size, mtime, hashes);
        Append(key, size, mtime, hashes);
        return hashes;
    }

    private void Append(string key, long size, long mtime, ModelHashes hashes)
    {
        if (_file is null || key.Contains('\t', StringComparison.Ordinal) || key.Contains('\n', StringComparison.Ordinal))
        {
            return;
        }

        string line = string.Create(CultureInfo.InvariantCulture, $"{key}\t{size}\t{mtime}\t{hashes.Sha256}\t{hashes.LegacyHash}\n");
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
