using System.Collections.Concurrent;
using System.Security.Cryptography;
using Fast.Merging.Hashing;

namespace Fast.Merging.Doctor;

/// <summary>
/// Reads a file once, front to back, in large blocks, and hands every block both to the whole-file hasher
/// (sha256 and the A1111 legacy hash) and to a second consumer on another thread, so checking a model costs
/// about what hashing it costs.
/// </summary>
internal static class StreamingPass
{
    private const int BlockBytes = 8 << 20;

    // Enough blocks in flight that the reader never waits on a consumer that is only briefly behind.
    private const int BlocksInFlight = 6;

    /// <summary>Streams <paramref name="path"/>; <paramref name="consumer"/> gets (file offset, bytes) in order, or nothing when null.</summary>
    /// <exception cref="IOException">The file cannot be read, or changed length while read.</exception>
    public static ModelHashes Run(string path, long expectedLength, Action<long, ReadOnlyMemory<byte>>? consumer, CancellationToken cancellation)
    {
        using var full = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var legacy = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var free = new BlockingCollection<byte[]>();
        for (int i = 0; i < BlocksInFlight; i++)
        {
            free.Add(new byte[BlockBytes], CancellationToken.None);
        }

        using var toHash = new BlockingCollection<FileBlock>();
        using var toScan = new BlockingCollection<FileBlock>();
        int consumers = consumer is null ? 1 : 2;

        Task hashing = Task.Factory.StartNew(
            () => Drain(toHash, stop, block =>
            {
                full.AppendData(block.Bytes.Span);
                AppendLegacyPart(legacy, block.Offset, block.Bytes.Span);
            }),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Task scanning = consumer is null
            ? Task.CompletedTask
            : Task.Factory.StartNew(
                () => Drain(toScan, stop, block => consumer(block.Offset, block.Bytes)),
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 0, FileOptions.SequentialScan);
            long position = 0;
            while (true)
            {
                byte[] buffer = free.Take(stop.Token);
                int length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
                if (length == 0)
                {
                    free.Add(buffer, CancellationToken.None);
                    break;
                }

                var block = new FileBlock(buffer, position, length, consumers, b => free.Add(b, CancellationToken.None));
                toHash.Add(block, stop.Token);
                if (consumer is not null)
                {
                    toScan.Add(block, stop.Token);
                }

                position += length;
            }

            if (position != expectedLength)
            {
                throw new IOException($"{path}: read {position} bytes, expected {expectedLength}; was the file changed while being checked?");
            }
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            // A consumer failed and stopped the pass; its exception is rethrown below.
        }
        catch
        {
            stop.Cancel();
            throw;
        }
        finally
        {
            toHash.CompleteAdding();
            toScan.CompleteAdding();
            try
            {
                Task.WaitAll(hashing, scanning);
            }
            catch (AggregateException ex) when (ex.InnerExceptions.Count > 0)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
            }
        }

        cancellation.ThrowIfCancellationRequested();
        return new ModelHashes(Convert.ToHexStringLower(full.GetHashAndReset()), Convert.ToHexStringLower(legacy.GetHashAndReset())[..8]);
    }

    private static void Drain(BlockingCollection<FileBlock> queue, CancellationTokenSource stop, Action<FileBlock> handle)
    {
        try
        {
            foreach (FileBlock block in queue.GetConsumingEnumerable(stop.Token))
            {
                try
                {
                    handle(block);
                }
                finally
                {
                    block.Release();
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch
        {
            stop.Cancel();
            throw;
        }
    }

    // The part of the A1111 legacy window [0x100000, 0x110000) inside this block.
    private static void AppendLegacyPart(IncrementalHash legacy, long offset, ReadOnlySpan<byte> bytes)
    {
        long from = Math.Max(offset, FileHasher.LegacyOffset);
        long to = Math.Min(offset + bytes.Length, FileHasher.LegacyOffset + FileHasher.LegacyLength);
        if (from < to)
        {
            legacy.AppendData(bytes.Slice((int)(from - offset), (int)(to - from)));
        }
    }
}
