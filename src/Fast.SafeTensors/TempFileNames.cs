using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Fast.SafeTensors;

/// <summary>
/// The writer's temporary files: <c>.NAME.XXXXXXXXXXXX.tmp</c> beside the output (12 random lowercase hex digits),
/// held under an exclusive lock for as long as their writer lives, and removed by the next writer into the same
/// folder when no live process holds them (a run killed by SIGKILL or a power loss cannot delete its own).
/// </summary>
public static class TempFileNames
{
    /// <summary>A temp file younger than this is left alone even unlocked: its writer may not have locked it yet.</summary>
    internal static readonly TimeSpan MinimumStaleAge = TimeSpan.FromSeconds(60);

    private const int NameMax = 255; // bytes, Linux NAME_MAX
    private const int RandomHexDigits = 12;
    private const string Suffix = ".tmp";

    private static readonly SearchValues<char> s_lowerHex = SearchValues.Create("0123456789abcdef");
    private static readonly ConcurrentDictionary<string, bool> s_cleaned = new(StringComparer.Ordinal);

    /// <summary>
    /// A fresh temp name for <paramref name="fileName"/> that fits in NAME_MAX however long the output's own name
    /// is (a 252-byte name is legal; the temp name adds 18 bytes, so the output's name is shortened in it).
    /// </summary>
    public static string For(string fileName)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        int room = NameMax - 1 - 1 - RandomHexDigits - Suffix.Length;
        string stem = Utf8Prefix(fileName, room);
        // A version-4 GUID's first six bytes are random, from the OS generator (getrandom). RandomNumberGenerator
        // would load OpenSSL first: 15-40 ms of a run's start spent only on naming its temp file.
        Span<byte> guid = stackalloc byte[16];
        Guid.NewGuid().TryWriteBytes(guid);
        return $".{stem}.{Convert.ToHexStringLower(guid[..(RandomHexDigits / 2)])}{Suffix}";
    }

    /// <summary>Whether <paramref name="name"/> has the shape <see cref="For"/> gives.</summary>
    public static bool IsOurs(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int hexStart = name.Length - Suffix.Length - RandomHexDigits;
        return name.Length > 1 + 1 + RandomHexDigits + Suffix.Length
            && name[0] == '.'
            && name.EndsWith(Suffix, StringComparison.Ordinal)
            && name[hexStart - 1] == '.'
            && name.AsSpan(hexStart, RandomHexDigits).IndexOfAnyExcept(s_lowerHex) < 0;
    }

    /// <summary>
    /// Deletes, once per process and folder, temp files of our naming in <paramref name="directory"/> that no live
    /// process holds (their lock can be taken) and that are older than a minute. Never fails the caller: a folder that
    /// cannot be listed or a file that cannot be removed is left as it is.
    /// </summary>
    /// <returns>The paths removed.</returns>
    public static IReadOnlyList<string> RemoveStale(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string full = Path.GetFullPath(directory);
        if (!s_cleaned.TryAdd(full, true))
        {
            return [];
        }

        return RemoveStaleNow(full);
    }

    internal static List<string> RemoveStaleNow(string directory)
    {
        var removed = new List<string>();

        // With .NET's file locking switched off a live writer's temp file could not be told from a stale one.
        if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_IO_DISABLEFILELOCKING") is "1" or "true")
        {
            return removed;
        }

        try
        {
            foreach (string path in Directory.EnumerateFiles(directory, "." + "*" + Suffix))
            {
                if (IsOurs(Path.GetFileName(path)) && TryRemove(path))
                {
                    removed.Add(path);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return removed;
    }

    private static bool TryRemove(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null || DateTime.UtcNow - info.LastWriteTimeUtc < MinimumStaleAge)
            {
                return false;
            }

            // The writer holds its temp file open with FileShare.None, which .NET backs with an exclusive flock: taking
            // the same lock succeeds only when no live process has it open that way (a killed process's locks go with it).
            using SafeFileHandle probe = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.None);
            File.Delete(path);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string Utf8Prefix(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }

        var prefix = new StringBuilder();
        int bytes = 0;
        foreach (Rune rune in text.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > maxBytes)
            {
                break;
            }

            bytes += rune.Utf8SequenceLength;
            prefix.Append(rune.ToString());
        }

        return prefix.ToString();
    }
}
