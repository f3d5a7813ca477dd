using System.Security.Cryptography;
using Fast.Merging.Hashing;
using Xunit;

namespace Fast.Merging.Tests.Hashing;

public sealed class FileHasherTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(0x100000)]
    [InlineData(0x100000 + 100)]
    [InlineData(0x100000 + 0x10000)]
    [InlineData(3 * 1024 * 1024 + 7)]
    public void MatchesOneShotSha256AndTheA1111LegacyRule(int length)
    {
        byte[] bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, bytes);
            ModelHashes hashes = FileHasher.Compute(path);

            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), hashes.Sha256);
            int from = Math.Min(length, 0x100000), to = Math.Min(length, 0x110000);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes.AsSpan(from, to - from)))[..8], hashes.LegacyHash);
            Assert.Equal(hashes.Sha256[..10], hashes.AutoV2);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CacheRecomputesWhenTheFileChanges()
    {
        string dir = Directory.CreateTempSubdirectory().FullName;
        string path = Path.Combine(dir, "m.bin");
        try
        {
            File.WriteAllBytes(path, [1, 2, 3]);
            var cache = new HashCache(dir);
            ModelHashes first = cache.Get(path);
            Assert.Equal(first, new HashCache(dir).Get(path));

            File.WriteAllBytes(path, [1, 2, 3, 4]);
            ModelHashes second = new HashCache(dir).Get(path);
            Assert.NotEqual(first.Sha256, second.Sha256);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData((byte[])[1, 2, 3, 4])), second.Sha256);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
