using System.Runtime.InteropServices;
using Fast.Merging.Execution;
using Fast.SafeTensors;

namespace Fast.Merging.Bulk;

/// <summary>
/// The input bytes of the work items in flight, each read once from its file (through <paramref name="source"/>) into
/// one native arena, reused batch after batch (a buffer per window cost more in allocation and collection than the
/// reads themselves), and then served to every variant's operations. Filled before the variants compute and only read
/// while they do. A read outside the windows (which the engine never asks for) falls back to <paramref name="source"/>
/// and is counted in <see cref="Misses"/>.
/// </summary>
/// <remarks>
/// Mapped files are read into buffers too, never served as views of the mapping: another process truncating an input
/// would fault (SIGBUS) the first kernel touching a view past the new end, which kills the process with no cleanup,
/// while a positional read reports it as a <see cref="FileChangedException"/> (bench/RESULTS.md, "bulk readpath").
/// </remarks>
internal sealed unsafe class InputWindows(IInputReader source) : IInputReader, IDisposable
{
    private readonly Dictionary<(SafeTensorsFile File, string Tensor), List<Window>> _windows = [];
    private byte* _arena;
    private long _arenaBytes;
    private long _misses;

    /// <summary>Bytes held by the current windows.</summary>
    public long Bytes { get; private set; }

    /// <summary>Reads that no window covered.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>Reads every requested range (in parallel), replacing the previous windows.</summary>
    public void Fill(IReadOnlyList<WindowRequest> requests, int threads, CancellationToken cancellation)
    {
        Release();
        var offsets = new long[requests.Count];
        long total = 0;
        for (int i = 0; i < requests.Count; i++)
        {
            offsets[i] = total;
            total += requests[i].Length;
        }

        EnsureArena(total);
        Parallel.For(
            0,
            requests.Count,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads), CancellationToken = cancellation },
            i =>
            {
                WindowRequest r = requests[i];
                var buffer = new Span<byte>(_arena + offsets[i], r.Length);
                ReadOnlySpan<byte> data = source.Read(r.File, r.Tensor, r.ByteStart, r.Length, buffer);
                if (!data.Overlaps(buffer))
                {
                    data.CopyTo(buffer);
                }
            });

        for (int i = 0; i < requests.Count; i++)
        {
            WindowRequest r = requests[i];
            if (!_windows.TryGetValue((r.File, r.Tensor.Name), out List<Window>? list))
            {
                _windows.Add((r.File, r.Tensor.Name), list = []);
            }

            list.Add(new Window(r.ByteStart, r.Length, offsets[i]));
        }

        Bytes = total;
    }

    public ReadOnlySpan<byte> Read(SafeTensorsFile file, TensorInfo tensor, long byteOffset, int length, Span<byte> scratch)
    {
        if (Find(file, tensor, byteOffset, length) is { } window)
        {
            return WindowBytes(window, byteOffset, length);
        }

        Interlocked.Increment(ref _misses);
        return source.Read(file, tensor, byteOffset, length, scratch.Length >= length ? scratch : new byte[length]);
    }

    public void CopyTo(SafeTensorsFile file, TensorInfo tensor, long byteOffset, Span<byte> destination)
    {
        if (Find(file, tensor, byteOffset, destination.Length) is { } window)
        {
            WindowBytes(window, byteOffset, destination.Length).CopyTo(destination);
            return;
        }

        Interlocked.Increment(ref _misses);
        source.CopyTo(file, tensor, byteOffset, destination);
    }

    /// <summary>Forgets the windows; the arena is kept for the next batch.</summary>
    public void Release()
    {
        _windows.Clear();
        Bytes = 0;
    }

    public void Dispose()
    {
        Release();
        NativeMemory.Free(_arena);
        _arena = null;
        _arenaBytes = 0;
    }

    private void EnsureArena(long bytes)
    {
        if (bytes <= _arenaBytes)
        {
            return;
        }

        NativeMemory.Free(_arena);
        _arena = null;
        _arena = (byte*)NativeMemory.Alloc((nuint)bytes);
        _arenaBytes = bytes;
    }

    private ReadOnlySpan<byte> WindowBytes(Window window, long byteOffset, int length) =>
        new(_arena + window.ArenaOffset + (byteOffset - window.Start), length);

    private Window? Find(SafeTensorsFile file, TensorInfo tensor, long byteOffset, int length)
    {
        if (_windows.TryGetValue((file, tensor.Name), out List<Window>? list))
        {
            foreach (Window w in list)
            {
                if (byteOffset >= w.Start && byteOffset + length <= w.Start + w.Length)
                {
                    return w;
                }
            }
        }

        return null;
    }

    /// <summary>A range read once: its bytes at <paramref name="ArenaOffset"/> in the arena.</summary>
    private sealed record Window(long Start, int Length, long ArenaOffset);
}

/// <summary>Bytes <see cref="ByteStart"/>..+<see cref="Length"/> of one input tensor, to be read once.</summary>
internal sealed record WindowRequest(SafeTensorsFile File, TensorInfo Tensor, long ByteStart, int Length);
