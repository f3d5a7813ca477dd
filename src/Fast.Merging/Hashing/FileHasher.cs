using System.Security.Cryptography;

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
    public static ModelHashes Compute(string path, CancellationToken cancellation = default)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        return Compute(stream, cancellation);
    }

    /// <summary>Hashes a readable stream from its current position to its end.</summary>
    public static ModelHashes Compute(Stream stream, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var full = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var legacy = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[BufferSize];
        long position = 0;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            cancellation.ThrowIfCancellationRequested();
            full.AppendData(buffer, 0, read);

            // The part of [LegacyOffset, LegacyOffset + LegacyLength) inside this buffer.
            long from = Math.Max(position, LegacyOffset);
            long to = Math.Min(position + read, LegacyOffset + LegacyLength);
            if (from < to)
            {
                legacy.AppendData(buffer, (int)(from - position), (int)(to - from));
            }

            position += read;
        }

        return new ModelHashes(Convert.ToHexStringLower(full.GetHashAndReset()), Convert.ToHexStringLower(legacy.GetHashAndReset())[..8]);
    }
}
