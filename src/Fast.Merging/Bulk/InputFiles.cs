using System.Collections.Concurrent;
using Fast.Merging.Hashing;
using Fast.SafeTensors;

namespace Fast.Merging.Bulk;

/// <summary>
/// The inputs of a bulk run: each distinct file (by full path) opened once and hashed at most once, shared by every
/// variant that names it, closed with the run.
/// </summary>
internal sealed class InputFiles(ReadMode mode) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<SafeTensorsFile>> _open = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<ModelHashes>> _hashes = new(StringComparer.Ordinal);

    /// <summary>The opened file; a file that cannot be opened throws for every variant that names it.</summary>
    public SafeTensorsFile Open(string path)
    {
        string full = Path.GetFullPath(path);
        Lazy<SafeTensorsFile> lazy = _open.GetOrAdd(full, p => new Lazy<SafeTensorsFile>(() => SafeTensorsFile.Open(p, mode)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _open.TryRemove(new KeyValuePair<string, Lazy<SafeTensorsFile>>(full, lazy));
            throw;
        }
    }

    /// <summary>
    /// The hashes of the version of the file this run opened (its stamp), from <see cref="HashCache.Default"/> as
    /// <c>fastmerge merge</c> takes them: the recorded sha256 is of the bytes the variants read.
    /// </summary>
    /// <exception cref="FileChangedException">The path no longer names the version opened, or it changed while hashed.</exception>
    public ModelHashes Hash(string path, CancellationToken cancellation)
    {
        string full = Path.GetFullPath(path);
        Lazy<ModelHashes> lazy = _hashes.GetOrAdd(full, p => new Lazy<ModelHashes>(() => HashCache.Default.Get(p, Open(p).Stamp, cancellation)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _hashes.TryRemove(new KeyValuePair<string, Lazy<ModelHashes>>(full, lazy));
            throw;
        }
    }

    public void Dispose()
    {
        foreach (Lazy<SafeTensorsFile> lazy in _open.Values)
        {
            if (lazy.IsValueCreated)
            {
                lazy.Value.Dispose();
            }
        }

        _open.Clear();
    }
}
