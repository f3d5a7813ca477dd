using System.Globalization;
using Fast.SafeTensors;

namespace Fast.Merging.Hashing;

/// <summary>
/// The hashes of a merge's inputs, computed on threads of their own while the merge reads the same files (from the
/// page cache: the bytes cross memory once more, which costs far less than the sha256 itself), instead of in a pass
/// before the merge starts. Each file is read front to back through the handle the merge opened, so every byte is
/// hashed exactly once, in order, whatever the merge skips (excluded keys, reset position ids) or reads out of order,
/// and the hash is of the version the merge read. Hashes already in the <see cref="HashCache"/> cost nothing; new
/// ones are added to it.
/// </summary>
internal sealed class InputHashing : IDisposable
{
    private const int BufferSize = 1 << 20;

    private readonly SafeTensorsFile[] _files;
    private readonly int[] _distinct; // per input: the index of the first input that is the same file
    private readonly ModelHashes?[] _hashes;
    private readonly Exception?[] _failures;
    private readonly Thread?[] _threads;
    private readonly CancellationTokenSource _stop;

    private InputHashing(SafeTensorsFile[] files, HashCache cache, CancellationToken cancellation)
    {
        _files = files;
        _distinct = new int[files.Length];
        _hashes = new ModelHashes?[files.Length];
        _failures = new Exception?[files.Length];
        _threads = new Thread?[files.Length];
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        for (int i = 0; i < files.Length; i++)
        {
            _distinct[i] = Array.FindIndex(files, 0, i + 1, f => SameFile(f, files[i]));
            if (_distinct[i] != i)
            {
                continue;
            }

            if (cache.TryGet(files[i].Path, files[i].Stamp, out ModelHashes? known))
            {
                _hashes[i] = known;
                continue;
            }

            int index = i;
            _threads[i] = new Thread(() => Hash(index, cache)) { IsBackground = true, Name = $"fastmerge input hash {i}" };
        }

        foreach (Thread? thread in _threads)
        {
            thread?.Start();
        }
    }

    /// <summary>True when every input's hashes came from the cache: <see cref="Wait"/> returns at once.</summary>
    public bool AllKnown => _threads.All(t => t is null);

    /// <summary>
    /// Stand-ins of the final hashes' exact text length (64 and 8 hex digits), one per distinct file, for a header
    /// planned before the hashes are known: known hashes as they are, the others a repeated digit per input.
    /// </summary>
    public ModelHashes[] Provisional()
    {
        var result = new ModelHashes[_files.Length];
        for (int i = 0; i < _files.Length; i++)
        {
            int first = _distinct[i];
            string digit = (first % 10).ToString(CultureInfo.InvariantCulture);
            result[i] = _threads[first] is null ? _hashes[first]! : new ModelHashes(string.Concat(Enumerable.Repeat(digit, 64)), string.Concat(Enumerable.Repeat(digit, 8)));
        }

        return result;
    }

    /// <summary>Starts hashing the inputs that are not in <paramref name="cache"/>, in order A, B, C.</summary>
    public static InputHashing Start(IReadOnlyList<SafeTensorsFile> files, HashCache cache, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(cache);
        return new InputHashing([.. files], cache, cancellation);
    }

    /// <summary>Waits for every input's hashes, in input order.</summary>
    /// <exception cref="FileChangedException">An input changed while it was hashed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public ModelHashes[] Wait()
    {
        foreach (Thread? thread in _threads)
        {
            thread?.Join();
        }

        // A changed file says more than the cancellation of the others it caused.
        Exception? failure = _failures.FirstOrDefault(e => e is FileChangedException) ?? _failures.FirstOrDefault(e => e is not null);
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }

        return [.. _distinct.Select(first => _hashes[first]!)];
    }

    /// <summary>Stops the threads still hashing (the merge failed or was cancelled) and waits for them.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        foreach (Thread? thread in _threads)
        {
            thread?.Join();
        }

        _stop.Dispose();
    }

    // Where the stamp has no inode (not Linux), only the same full path is known to be the same file.
    private static bool SameFile(SafeTensorsFile x, SafeTensorsFile y) => x.Stamp.Inode != 0
        ? x.Stamp.Device == y.Stamp.Device && x.Stamp.Inode == y.Stamp.Inode
        : string.Equals(Path.GetFullPath(x.Path), Path.GetFullPath(y.Path), StringComparison.Ordinal);

    private void Hash(int index, HashCache cache)
    {
        SafeTensorsFile file = _files[index];
        try
        {
            using var hashes = new ModelHashAccumulator();
            byte[] buffer = GC.AllocateUninitializedArray<byte>(BufferSize);
            while (hashes.Position < file.FileLength)
            {
                _stop.Token.ThrowIfCancellationRequested();
                int read = file.ReadFileBytes(hashes.Position, buffer);
                hashes.Append(buffer.AsSpan(0, read));
            }

            // Every byte came from the handle the merge reads; the stamp says nobody wrote the file meanwhile.
            file.EnsureUnchanged();
            _hashes[index] = hashes.Finish();
            cache.Remember(file.Path, file.Stamp, _hashes[index]!);
        }
        catch (Exception e)
        {
            _failures[index] = e;
            _stop.Cancel(); // the merge will fail anyway: the other hashes are not needed
        }
    }
}
