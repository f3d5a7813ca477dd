using Fast.SafeTensors;

namespace Fast.Merging.Hashing;

/// <summary>
/// The <see cref="ModelHashes"/> of an output while it is written, on a thread of its own: it reads the file back
/// (from the page cache) front to back, as far as the writer reports every byte written, so the sha256 is done when
/// the last bytes are and no out-of-order range is held in memory. The header is hashed only once it is final
/// (<see cref="HeaderFinal"/>): a header planned with placeholders is patched first, and everything after it waits.
/// Used for such headers only: an output whose header is final from the start is hashed by its writing threads
/// (<see cref="InOrderOutputHash"/>), without this thread or the second pass over the page cache.
/// </summary>
internal sealed class OutputDigest : IDisposable
{
    private const int BufferSize = 1 << 20;

    private readonly SafeTensorsWriter _writer;
    private readonly ManualResetEventSlim _headerFinal = new(false);
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private ModelHashes? _hashes;
    private Exception? _failure;

    /// <param name="writer">The output being written, its header still to be replaced (then call <see cref="HeaderFinal"/>); the digest must be finished or disposed before the writer closes.</param>
    public OutputDigest(SafeTensorsWriter writer)
    {
        _writer = writer;
        _thread = new Thread(Run) { IsBackground = true, Name = "fastmerge output hash" };
        _thread.Start();
    }

    /// <summary>Lets the digest hash the header: it is in its final form in the file.</summary>
    public void HeaderFinal() => _headerFinal.Set();

    /// <summary>Waits for the digest of the whole file; call after every byte was written (in the writer's commit).</summary>
    /// <exception cref="InvalidOperationException">Bytes were written where the digest had already read.</exception>
    public ModelHashes Finish()
    {
        _thread.Join();
        if (_failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(_failure).Throw();
        }

        if (_writer.RewrittenBehindReader)
        {
            throw new InvalidOperationException($"{_writer.Path}: bytes were rewritten after they were hashed");
        }

        return _hashes!;
    }

    /// <summary>Stops the thread (the output is being abandoned) and waits for it.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
        _headerFinal.Dispose();
    }

    private void Run()
    {
        try
        {
            _headerFinal.Wait(_stop.Token);
            using var hashes = new ModelHashAccumulator();
            byte[] buffer = GC.AllocateUninitializedArray<byte>(BufferSize);
            long end = _writer.FileLength;
            while (hashes.Position < end)
            {
                long written = _writer.WaitForWrittenBeyond(hashes.Position, _stop.Token);
                while (hashes.Position < written)
                {
                    int want = (int)Math.Min(buffer.Length, written - hashes.Position);
                    int read = _writer.ReadBack(hashes.Position, buffer.AsSpan(0, want));
                    if (read != want)
                    {
                        throw new IOException($"{_writer.TempPath}: ended at byte {hashes.Position + read} while being written");
                    }

                    hashes.Append(buffer.AsSpan(0, read));
                }
            }

            _hashes = hashes.Finish();
        }
        catch (Exception e)
        {
            _failure = e;
        }
    }
}
