namespace Fast.SafeTensors;

/// <summary>
/// How far a file written by positional writes in any order is complete from its first byte: the length of the
/// contiguous prefix whose every byte has reached the file. A reader that follows the written bytes in file order
/// (a streaming sha256 of the output) waits here instead of holding out-of-order bytes in memory. Ranges past the
/// prefix are kept as a few disjoint intervals (writes arrive roughly in file order, so the list stays short).
/// </summary>
internal sealed class WrittenPrefix
{
    // A plain monitor, not a Lock: the reader waits on it (Monitor.Wait/PulseAll).
    private readonly object _lock = new();
    private readonly SortedDictionary<long, long> _ahead = [];
    private long _length;
    private long _readFrom;
    private bool _belowReader;

    /// <param name="initialLength">Bytes already written from offset 0 (the head, written when the file was created).</param>
    public WrittenPrefix(long initialLength) => _length = initialLength;

    /// <summary>Bytes from offset 0 known to be written.</summary>
    public long Length
    {
        get
        {
            lock (_lock)
            {
                return _length;
            }
        }
    }

    /// <summary>True when a write landed below where a reader had already read (the reader saw the old bytes).</summary>
    public bool RewrittenBelowReader
    {
        get
        {
            lock (_lock)
            {
                return _belowReader;
            }
        }
    }

    /// <summary>Records that bytes [<paramref name="start"/>, <paramref name="end"/>) reached the file.</summary>
    public void Add(long start, long end)
    {
        if (end <= start)
        {
            return;
        }

        lock (_lock)
        {
            _belowReader |= start < _readFrom;
            if (start > _length)
            {
                _ahead[start] = _ahead.TryGetValue(start, out long known) ? Math.Max(known, end) : end;
                return;
            }

            long before = _length;
            _length = Math.Max(_length, end);
            while (_ahead.Count > 0)
            {
                (long nextStart, long nextEnd) = _ahead.First();
                if (nextStart > _length)
                {
                    break;
                }

                _ahead.Remove(nextStart);
                _length = Math.Max(_length, nextEnd);
            }

            if (_length != before)
            {
                Monitor.PulseAll(_lock);
            }
        }
    }

    /// <summary>
    /// Waits until the prefix is longer than <paramref name="readFrom"/> (bytes the caller has read so far) and returns
    /// its length; the caller declares it will not need bytes below <paramref name="readFrom"/> again.
    /// </summary>
    public long WaitBeyond(long readFrom, CancellationToken cancellation)
    {
        lock (_lock)
        {
            _readFrom = Math.Max(_readFrom, readFrom);
            while (_length <= readFrom)
            {
                cancellation.ThrowIfCancellationRequested();

                // Timed: a cancellation does not pulse the lock.
                Monitor.Wait(_lock, 50);
            }

            return _length;
        }
    }
}
