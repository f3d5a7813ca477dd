using Fast.Merging.Execution;
using Fast.SafeTensors;

namespace Fast.Merging.Bulk;

/// <summary>
/// The input bytes of the work items in flight, each read once from its file (through <paramref name="source"/>) into
/// a pooled buffer and then served to every variant's operations. Filled before the variants compute and only read
/// while they do. A read outside the windows (which the engine never asks for) falls back to <paramref name="source"/>
/// and is counted in <see cref="Misses"/>.
/// </summary>
/// <remarks>
/// Mapped files are read into buffers too, never served as views of the mapping: another process truncating an input
/// would fault (SIGBUS) the first kernel touching a view past the new end, which kills the process with no cleanup,
/// while a positional read reports it as a <see cref="FileChangedException"/> (bench/RESULTS.md, "bulk readpath").
/// </remarks>
internal sealed class InputWindows(IInputReader source) : IInputReader, IDisposable
{
    private readonly Dictionary<(SafeTensorsFile File, string Tensor), List<Window>> _windows = [];
    private long _misses;

    /// <summary>Bytes held by the current windows.</summary>
    public long Bytes { get; private set; }

    /// <summary>Reads that no window covered.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>Reads every requested range (in parallel), replacing the previous windows.</summary>
    public void Fill(IReadOnlyList<WindowRequest> requests, int threads, CancellationToken cancellation)
    {
        Release();
        var filled = new Window[requests.Count];
        try
        {
            Parallel.For(
                0,
                requests.Count,
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads), CancellationToken = cancellation },
                i =>
                {
                    WindowRequest r = requests[i];
                    var buffer = new Pooled<byte>(r.Length);
                    filled[i] = new Window(r.ByteStart, r.Length, buffer);
                    ReadOnlySpan<byte> data = source.Read(r.File, r.Tensor, r.ByteStart, r.Length, buffer.Span);
                    if (!data.Overlaps(buffer.Span))
                    {
                        data.CopyTo(buffer.Span);
                    }
                });
        }
        finally
        {
            for (int i = 0; i < requests.Count; i++)
            {
                if (filled[i] is { } window)
                {
                    WindowRequest r = requests[i];
                    if (!_windows.TryGetValue((r.File, r.Tensor.Name), out List<Window>? list))
                    {
                        _windows.Add((r.File, r.Tensor.Name), list = []);
                    }

                    list.Add(window);
                    Bytes += r.Length;
                }
            }
        }
    }

    public ReadOnlySpan<byte> Read(SafeTensorsFile file, TensorInfo tensor, long byteOffset, int length, Span<byte> scratch)
    {
        if (Find(file, tensor, byteOffset, length) is { } window)
        {
            return window.Buffer.Span.Slice((int)(byteOffset - window.Start), length);
        }

        Interlocked.Increment(ref _misses);
        return source.Read(file, tensor, byteOffset, length, scratch.Length >= length ? scratch : new byte[length]);
    }

    public void CopyTo(SafeTensorsFile file, TensorInfo tensor, long byteOffset, Span<byte> destination)
    {
        if (Find(file, tensor, byteOffset, destination.Length) is { } window)
        {
            window.Buffer.Span.Slice((int)(byteOffset - window.Start), destination.Length).CopyTo(destination);
            return;
        }

        Interlocked.Increment(ref _misses);
        source.CopyTo(file, tensor, byteOffset, destination);
    }

    /// <summary>Returns every buffer to the pool.</summary>
    public void Release()
    {
        foreach (List<Window> list in _windows.Values)
        {
            foreach (Window w in list)
            {
                w.Buffer.Dispose();
            }
        }

        _windows.Clear();
        Bytes = 0;
    }

    public void Dispose() => Release();

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

    /// <summary>A range read once: its bytes in <paramref name="Buffer"/>.</summary>
    private sealed record Window(long Start, int Length, Pooled<byte> Buffer);
}

/// <summary>Bytes <see cref="ByteStart"/>..+<see cref="Length"/> of one input tensor, to be read once.</summary>
internal sealed record WindowRequest(SafeTensorsFile File, TensorInfo Tensor, long ByteStart, int Length);
