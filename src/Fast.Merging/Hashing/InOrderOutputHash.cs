using System.Buffers;
using Fast.SafeTensors;

namespace Fast.Merging.Hashing;

/// <summary>
/// The <see cref="ModelHashes"/> of an output whose bytes are produced by several threads in any order, hashed by the
/// producing threads themselves while the bytes are still in their caches: no hashing thread of its own and no second
/// pass over the file. SHA-256 is sequential, so one thread at a time holds the right to hash (a flag, not a lock held
/// while hashing): a thread whose bytes are next in file order and finds the right free hashes them in place; any other
/// copies them aside and goes back to work. Whoever holds the right then also hashes the set-aside bytes that have
/// become next, up to twice what it brought itself, so the hashing is shared by every producer instead of one being
/// captured by it (with two workers on two cores a whole-file hash costs each about half its time, in parallel with the
/// other's merging, rather than a third thread's tail after the merge).
/// </summary>
/// <remarks>
/// Set-aside copies are bounded when a <see cref="SafeTensorsWriter"/> holding the same bytes is given: past
/// <see cref="HeldLimitBytes"/> a range is recorded as "in the file" instead, and read back (from the page cache) when
/// it becomes next and the writer reports it written, or at <see cref="Finish"/>. Without one (the bulk engine, whose
/// variants are produced in file order) nothing bounds them.
/// </remarks>
internal sealed class InOrderOutputHash : IDisposable
{
    /// <summary>Set-aside bytes above which ranges are read back from the file rather than copied.</summary>
    public const long HeldLimitBytes = 64L << 20;

    private const int ReadBackBytes = 1 << 20;

    private readonly ModelHashAccumulator _hashes = new();
    private readonly SafeTensorsWriter? _file;
    private readonly long _length;
    private readonly long _heldLimit;
    private readonly Lock _gate = new();
    private readonly SortedDictionary<long, Held> _held = [];
    private long _claimed; // bytes [0, _claimed) are hashed, or being hashed by the holder of the right
    private long _heldBytes;
    private bool _hashing;
    private bool _finished;

    /// <summary>Starts with the file's first bytes (length prefix and header, final); the data follows them.</summary>
    /// <param name="head">The bytes at offset 0.</param>
    /// <param name="fileLength">The whole file's length: every byte up to it must be <see cref="Add"/>ed.</param>
    /// <param name="file">The writer of the same bytes, to read ranges back from instead of holding copies; null: copy always.</param>
    /// <param name="heldLimitBytes">With <paramref name="file"/>: copies above which ranges are read back (tests make it small).</param>
    public InOrderOutputHash(ReadOnlySpan<byte> head, long fileLength, SafeTensorsWriter? file, long heldLimitBytes = HeldLimitBytes)
    {
        _file = file;
        _length = fileLength;
        _heldLimit = heldLimitBytes;
        _hashes.Append(head);
        _claimed = head.Length;
    }

    /// <summary>Bytes currently copied aside because they arrived ahead of file order.</summary>
    public long HeldBytes
    {
        get
        {
            lock (_gate)
            {
                return _heldBytes;
            }
        }
    }

    /// <summary>
    /// Hashes <paramref name="data"/>, the file's bytes at <paramref name="position"/>, now or (copied) once the bytes
    /// before them are. Thread-safe. With a writer, the bytes must be written to it before this call.
    /// </summary>
    /// <exception cref="InvalidOperationException">The range overlaps bytes already given.</exception>
    public void Add(long position, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        bool own;
        lock (_gate)
        {
            if (_finished)
            {
                throw new InvalidOperationException("the output hash is finished; no more bytes");
            }

            if (position < _claimed || position + data.Length > _length)
            {
                throw new InvalidOperationException($"output bytes {position}..{position + data.Length} were given twice or lie outside the file");
            }

            own = !_hashing && position == _claimed;
            if (own)
            {
                _hashing = true;
                _claimed += data.Length;
            }
            else
            {
                Hold(position, data);
                if (_hashing || !_held.ContainsKey(_claimed))
                {
                    return;
                }

                _hashing = true; // set-aside bytes are next and nobody is hashing: this thread does
            }
        }

        if (own)
        {
            Append(data);
        }

        HashHeld(budget: 2L * data.Length);
    }

    /// <summary>Hashes whatever is still set aside (call when every byte was given, before the file is flushed, so this overlaps nothing serial).</summary>
    public void Drain()
    {
        lock (_gate)
        {
            if (_hashing)
            {
                throw new InvalidOperationException("the output hash is still being fed");
            }

            _hashing = true;
        }

        HashHeld(budget: long.MaxValue);
    }

    /// <summary>The hashes of the whole file; call once, after every <see cref="Add"/> returned and the writer's bytes reached the file.</summary>
    /// <exception cref="InvalidOperationException">Some bytes were never given.</exception>
    public ModelHashes Finish()
    {
        lock (_gate)
        {
            _finished = true;
        }

        Drain();
        lock (_gate)
        {
            if (_claimed != _length || _held.Count > 0)
            {
                throw new InvalidOperationException($"output incomplete: {_claimed} of {_length} bytes hashed");
            }
        }

        return _hashes.Finish();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (Held held in _held.Values)
            {
                if (held.Copy is not null)
                {
                    ArrayPool<byte>.Shared.Return(held.Copy);
                }
            }

            _held.Clear();
            _heldBytes = 0;
        }

        _hashes.Dispose();
    }

    /// <summary>Sets a range aside: a copy, or past the limit (with a writer) a note to read it back. Caller holds the gate.</summary>
    private void Hold(long position, ReadOnlySpan<byte> data)
    {
        byte[]? copy = null;
        if (_file is null || _heldBytes + data.Length <= _heldLimit)
        {
            copy = ArrayPool<byte>.Shared.Rent(data.Length);
            data.CopyTo(copy);
            _heldBytes += data.Length;
        }

        if (!_held.TryAdd(position, new Held(copy, data.Length)))
        {
            if (copy is not null)
            {
                ArrayPool<byte>.Shared.Return(copy);
                _heldBytes -= data.Length;
            }

            throw new InvalidOperationException($"output bytes at {position} were given twice");
        }
    }

    /// <summary>
    /// As holder of the right to hash: hashes set-aside ranges while they are next, up to <paramref name="budget"/>
    /// bytes (more while the copies are over half the limit), then gives the right up.
    /// </summary>
    private void HashHeld(long budget)
    {
        while (true)
        {
            long at;
            Held next;
            lock (_gate)
            {
                bool wanted = budget > 0 || _heldBytes > _heldLimit / 2;
                if (!wanted || !_held.TryGetValue(_claimed, out next) || (next.Copy is null && !InFile(_claimed + next.Length)))
                {
                    _hashing = false;
                    return;
                }

                _held.Remove(_claimed);
                at = _claimed;
                _claimed += next.Length;
            }

            if (next.Copy is { } copy)
            {
                Append(copy.AsSpan(0, next.Length));
                ArrayPool<byte>.Shared.Return(copy);
                lock (_gate)
                {
                    _heldBytes -= next.Length;
                }
            }
            else
            {
                AppendFromFile(at, next.Length);
            }

            budget -= next.Length;
        }
    }

    /// <summary>True when the writer reports every byte below <paramref name="end"/> in the file (or it is being finished: all are).</summary>
    private bool InFile(long end) => _finished || _file!.WrittenPrefixLength >= end;

    private void Append(ReadOnlySpan<byte> bytes) => _hashes.Append(bytes);

    private void AppendFromFile(long position, int length)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Min(length, ReadBackBytes));
        try
        {
            while (length > 0)
            {
                int want = Math.Min(length, buffer.Length);
                if (_file!.ReadBack(position, buffer.AsSpan(0, want)) != want)
                {
                    throw new IOException($"{_file.TempPath}: ended at byte {position} while being written");
                }

                Append(buffer.AsSpan(0, want));
                position += want;
                length -= want;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A range set aside: its bytes, or (null) a note that they are to be read back from the file.</summary>
    private readonly record struct Held(byte[]? Copy, int Length);
}
