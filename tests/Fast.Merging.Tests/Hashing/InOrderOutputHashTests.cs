using System.Security.Cryptography;
using Fast.Merging.Execution;
using Fast.Merging.Hashing;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Hashing;

/// <summary>
/// The output hash computed by the writing threads (issue 17): whatever order two threads deliver the ranges in, the
/// sha256 and the legacy hash are those of the file (sha256sum's, <see cref="FileHasher"/>'s), with the set-aside
/// ranges copied or, past the copy limit, read back from the file being written.
/// </summary>
public sealed class InOrderOutputHashTests : IDisposable
{
    private readonly TempDir _dir = new("fastmerge-inorder-hash-");

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Two_threads_delivering_chunks_out_of_order_give_the_hash_of_the_bytes(int seed)
    {
        // 3 MiB in chunks of uneven sizes, so the legacy window at 1 MiB straddles chunk edges.
        byte[] file = new byte[(3 << 20) + 12345];
        new Random(seed).NextBytes(file);
        const int head = 4096;
        List<(long Position, int Length)> chunks = Chunks(head, file.Length, seed);

        using var hash = new InOrderOutputHash(file.AsSpan(0, head), file.Length, file: null);
        DeliverOutOfOrder(chunks, seed, c => hash.Add(c.Position, file.AsSpan((int)c.Position, c.Length)));
        ModelHashes hashes = hash.Finish();

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), hashes.Sha256);
        Assert.Equal(FileHasher.Compute(new MemoryStream(file)), hashes);
        Assert.Equal(0, hash.HeldBytes);
    }

    [Fact]
    public void Ranges_past_the_copy_limit_are_read_back_from_the_file_being_written()
    {
        // A 64 KiB copy limit on a 3 MiB file written from two threads in scrambled order: most set-aside ranges are
        // left in the file and read back, before the flush where the writer reports them written, else after it.
        string path = _dir.File("out.safetensors");
        TensorSpec[] specs = [.. Enumerable.Range(0, 12).Select(i => new TensorSpec($"t{i:D2}", DType.U8, [(256L << 10) + (i * 1000)]))];
        using SafeTensorsWriter writer = SafeTensorsWriter.Create(path, specs, [new("note", "in order")]);
        byte[] headBytes = new byte[writer.DataOffset];
        Assert.Equal(headBytes.Length, writer.ReadBack(0, headBytes));
        var random = new Random(7);
        var data = writer.Layout.ToDictionary(t => t.Name, t =>
        {
            byte[] bytes = new byte[t.ByteLength];
            random.NextBytes(bytes);
            return bytes;
        });

        var chunks = writer.Layout.SelectMany(t => Enumerable.Range(0, 4).Select(k => (Tensor: t, Offset: k * (t.ByteLength / 4), Length: k < 3 ? t.ByteLength / 4 : t.ByteLength - (3 * (t.ByteLength / 4))))).ToList();
        using var hash = new InOrderOutputHash(headBytes, writer.FileLength, writer, heldLimitBytes: 64 << 10);
        DeliverOutOfOrder(chunks, seed: 5, c =>
        {
            ReadOnlySpan<byte> bytes = data[c.Tensor.Name].AsSpan((int)c.Offset, (int)c.Length);
            writer.Write(c.Tensor, c.Offset, bytes);
            hash.Add(writer.DataOffset + c.Tensor.DataStart + c.Offset, bytes);
        });

        hash.Drain();
        ModelHashes? hashes = null;
        writer.CommitAfterFlush(() => hashes = hash.Finish());

        Assert.Equal(FileHasher.Compute(path), hashes);
    }

    [Fact]
    public void The_bulk_sink_hashes_what_two_threads_write_out_of_order()
    {
        // HashingMergeSink is the bulk engine's output hash: the sha256 of the file the plan's layout describes.
        string path = _dir.File("bulk.safetensors");
        TensorSpec[] specs = [.. Enumerable.Range(0, 6).Select(i => new TensorSpec($"w{i}", DType.U8, [300_000L + i]))];
        byte[] head = SafeTensorsWriter.PlanHead(specs, null, out IReadOnlyList<TensorInfo> layout);
        byte[] file = new byte[head.Length + layout[^1].DataEnd];
        new Random(11).NextBytes(file);
        head.CopyTo(file, 0);
        File.WriteAllBytes(path, file);

        var chunks = Chunks(head.Length, file.Length, seed: 4);
        using var hash = new InOrderOutputHash(head, file.Length, file: null);
        DeliverOutOfOrder(chunks, seed: 9, c => hash.Add(c.Position, file.AsSpan((int)c.Position, c.Length)));
        Assert.Equal(FileHasher.Compute(path).Sha256, hash.Finish().Sha256);
    }

    [Fact]
    public void A_range_given_twice_or_a_missing_one_is_an_error_not_a_wrong_hash()
    {
        byte[] file = new byte[1000];
        using (var hash = new InOrderOutputHash(file.AsSpan(0, 100), file.Length, file: null))
        {
            hash.Add(100, file.AsSpan(100, 400));
            Assert.Throws<InvalidOperationException>(() => hash.Add(300, file.AsSpan(300, 10)));
            hash.Add(600, file.AsSpan(600, 400));
            Assert.Throws<InvalidOperationException>(() => hash.Add(600, file.AsSpan(600, 10)));
            Assert.Throws<InvalidOperationException>(() => hash.Finish());
        }
    }

    public void Dispose() => _dir.Dispose();

    private static List<(long Position, int Length)> Chunks(long start, long end, int seed)
    {
        var random = new Random(seed);
        var chunks = new List<(long, int)>();
        for (long at = start; at < end;)
        {
            int length = (int)Math.Min(end - at, random.Next(1, 300_000));
            chunks.Add((at, length));
            at += length;
        }

        return chunks;
    }

    /// <summary>
    /// Two threads: one takes the even chunks, the other the odd ones, each in locally scrambled order (pairs swapped,
    /// short random pauses), so ranges arrive both ahead of and at the hashing frontier, from either thread.
    /// </summary>
    private static void DeliverOutOfOrder<T>(List<T> chunks, int seed, Action<T> deliver)
    {
        var failures = new Exception?[2];
        Thread[] threads = [.. Enumerable.Range(0, 2).Select(t => new Thread(() =>
        {
            try
            {
                Deliver(t);
            }
            catch (Exception e)
            {
                failures[t] = e;
            }
        }))];

        void Deliver(int t)
        {
            var random = new Random(seed * 31 + t);
            List<T> mine = [.. chunks.Where((_, i) => i % 2 == t)];
            for (int i = 0; i + 1 < mine.Count; i += 2)
            {
                if (random.Next(2) == 0)
                {
                    (mine[i], mine[i + 1]) = (mine[i + 1], mine[i]);
                }
            }

            foreach (T chunk in mine)
            {
                if (random.Next(4) == 0)
                {
                    Thread.Sleep(random.Next(2));
                }

                deliver(chunk);
            }
        }

        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        if (failures.FirstOrDefault(e => e is not null) is { } failure)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }
    }
}
