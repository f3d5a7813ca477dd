namespace Fast.Merging.Hashing;

/// <summary>The hashes A1111/Forge show for a model file.</summary>
/// <param name="Sha256">Full lowercase hex sha256 of the whole file.</param>
/// <param name="LegacyHash">A1111's legacy hash: the first 8 hex digits of sha256 over the 0x10000 bytes at offset 0x100000 ("AutoV1").</param>
public sealed record ModelHashes(string Sha256, string LegacyHash)
{
    /// <summary>The short hash A1111 shows ("AutoV2"): the first 10 hex digits of <see cref="Sha256"/>.</summary>
    public string AutoV2 => Sha256[..10];
}
