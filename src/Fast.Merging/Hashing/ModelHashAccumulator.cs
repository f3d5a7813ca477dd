using System.Security.Cryptography;

namespace Fast.Merging.Hashing;

/// <summary>
/// <see cref="ModelHashes"/> computed from a file's bytes fed in file order, in pieces of any size: the sha256 of
/// everything, and A1111's legacy hash of the window at <see cref="FileHasher.LegacyOffset"/>.
/// </summary>
internal sealed class ModelHashAccumulator : IDisposable
{
    private readonly IncrementalHash _full = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash _legacy = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Bytes fed so far: the file position of the next byte.</summary>
    public long Position { get; private set; }

    /// <summary>Feeds the next bytes of the file.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        _full.AppendData(bytes);

        // The part of [LegacyOffset, LegacyOffset + LegacyLength) inside these bytes.
        long from = Math.Max(Position, FileHasher.LegacyOffset);
        long to = Math.Min(Position + bytes.Length, FileHasher.LegacyOffset + FileHasher.LegacyLength);
        if (from < to)
        {
            _legacy.AppendData(bytes.Slice((int)(from - Position), (int)(to - from)));
        }

        Position += bytes.Length;
    }

    /// <summary>The hashes of everything fed.</summary>
    public ModelHashes Finish() =>
        new(Convert.ToHexStringLower(_full.GetHashAndReset()), Convert.ToHexStringLower(_legacy.GetHashAndReset())[..8]);

    public void Dispose()
    {
        _full.Dispose();
        _legacy.Dispose();
    }
}
