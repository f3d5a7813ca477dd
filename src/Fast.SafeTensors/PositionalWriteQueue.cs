using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Win32.SafeHandles;

namespace Fast.SafeTensors;

/// <summary>
/// Positional writes to one file from many threads, one at a time, without making the others wait. Buffered
/// writes to one file are serialised by the kernel anyway (ext4 takes the inode's lock for each), and a thread
/// that waits there spins instead of computing: two merge workers spent a quarter of their time spinning. Here a
/// thread that finds another writing copies its bytes into a queue and goes back to work; whoever holds the gate
/// writes the queue out, oldest first, before and after its own bytes. A thread's writes therefore reach the file
/// in the order it made them.
/// </summary>
internal sealed class PositionalWriteQueue(SafeFileHandle handle, Action<long, int> written) : IDisposable
{
    /// <summary>Queued bytes above which a thread writes (and waits for the gate) instead of queueing more.</summary>
    private const long QueueLimitBytes = 32L << 20;

    /// <summary>Larger writes are not copied: their thread waits for the gate (they come with whole-tensor work).</summary>
    private const int LargestQueuedWrite = 4 << 20;

    private readonly Lock _gate = new();
    private readonly ConcurrentQueue<Pending> _queue = new();
    private long _queuedBytes;
    private Exception? _failure;

    /// <summary>Writes <paramref name="data"/> at <paramref name="position"/>, now or (copied) later, before <see cref="Flush"/> returns.</summary>
    /// <exception cref="IOException">This write, or an earlier queued one, failed.</exception>
    public void Write(ReadOnlySpan<byte> data, long position)
    {
        ThrowIfFailed();
        if (data.Length > LargestQueuedWrite)
        {
            _gate.Enter();
        }
        else if (!_gate.TryEnter())
        {
            byte[] copy = ArrayPool<byte>.Shared.Rent(data.Length);
            data.CopyTo(copy);
            _queue.Enqueue(new Pending(copy, data.Length, position));
            if (Interlocked.Add(ref _queuedBytes, data.Length) <= QueueLimitBytes)
            {
                if (!_gate.TryEnter())
                {
                    return; // the holder writes it
                }
            }
            else
            {
                _gate.Enter();
            }

            try
            {
                Drain();
            }
            finally
            {
                _gate.Exit();
            }

            return;
        }

        try
        {
            Drain();
            WriteNow(data, position);
            Drain();
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>Writes out everything queued; call when no more writes are coming.</summary>
    /// <exception cref="IOException">A queued write failed.</exception>
    public void Flush()
    {
        lock (_gate)
        {
            Drain();
        }

        ThrowIfFailed();
    }

    /// <summary>Drops what is still queued (the file is being abandoned) and returns the buffers.</summary>
    public void Dispose()
    {
        while (_queue.TryDequeue(out Pending pending))
        {
            ArrayPool<byte>.Shared.Return(pending.Buffer);
        }
    }

    /// <summary>Writes the queue out, oldest first. Caller holds the gate.</summary>
    private void Drain()
    {
        while (_queue.TryDequeue(out Pending pending))
        {
            try
            {
                WriteNow(pending.Buffer.AsSpan(0, pending.Length), pending.Position);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(pending.Buffer);
                Interlocked.Add(ref _queuedBytes, -pending.Length);
            }
        }
    }

    private void WriteNow(ReadOnlySpan<byte> data, long position)
    {
        try
        {
            RandomAccess.Write(handle, data, position);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Interlocked.CompareExchange(ref _failure, e, null);
            throw;
        }

        written(position, data.Length);
    }

    private void ThrowIfFailed()
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            throw new IOException($"an earlier write to this file failed: {failure.Message}", failure);
        }
    }

    private readonly record struct Pending(byte[] Buffer, int Length, long Position);
}
