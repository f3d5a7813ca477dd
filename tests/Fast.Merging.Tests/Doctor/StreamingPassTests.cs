using System.Security.Cryptography;
using Fast.Merging.Doctor;

namespace Fast.Merging.Tests.Doctor;

public sealed class StreamingPassTests
{
    [Fact]
    public void Every_byte_reaches_the_consumer_in_order_and_the_hashes_are_the_file_hashes()
    {
        using var dir = new TempDir();
        byte[] bytes = RandomBytes(17 * 1024 * 1024 + 3);
        string path = dir.File("big.bin");
        File.WriteAllBytes(path, bytes);

        using var seen = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long next = 0;
        var hashes = StreamingPass.Run(path, bytes.Length, (offset, block) =>
        {
            Assert.Equal(next, offset);
            next += block.Length;
            seen.AppendData(block.Span);
        }, CancellationToken.None);

        Assert.Equal(bytes.Length, next);
        Assert.Equal(SHA256.HashData(bytes), seen.GetHashAndReset());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), hashes.Sha256);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes.AsSpan(0x100000, 0x10000)))[..8], hashes.LegacyHash);
    }

    [Fact]
    public void A_failing_consumer_stops_the_pass_with_its_own_exception()
    {
        using var dir = new TempDir();
        string path = dir.File("big.bin");
        File.WriteAllBytes(path, RandomBytes(40 * 1024 * 1024));
        int blocks = 0;
        var ex = Assert.Throws<InvalidOperationException>(() => StreamingPass.Run(path, 40 * 1024 * 1024, (_, _) =>
        {
            if (++blocks == 2)
            {
                throw new InvalidOperationException("boom");
            }
        }, CancellationToken.None));
        Assert.Equal("boom", ex.Message);
    }

    [Fact]
    public void A_file_of_another_length_than_its_header_promised_is_an_io_error()
    {
        using var dir = new TempDir();
        string path = dir.File("small.bin");
        File.WriteAllBytes(path, RandomBytes(1000));
        Assert.Throws<IOException>(() => StreamingPass.Run(path, 1001, null, CancellationToken.None));
    }

    [Fact]
    public void Cancellation_is_honoured()
    {
        using var dir = new TempDir();
        string path = dir.File("big.bin");
        File.WriteAllBytes(path, RandomBytes(20 * 1024 * 1024));
        using var cancel = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => StreamingPass.Run(path, 20 * 1024 * 1024, (_, _) => cancel.Cancel(), cancel.Token));
    }

    private static byte[] RandomBytes(int length)
    {
        byte[] bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }
}
