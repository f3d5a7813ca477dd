namespace Fast.SafeTensors;

/// <summary>
/// The byte ranges of one tensor that have been written so far, kept as a sorted list of disjoint
/// intervals. Chunked writers produce adjacent ranges, which merge, so the list stays tiny.
/// </summary>
internal sealed class WrittenRanges
{
    private readonly List<(long Start, long End)> _ranges = [];
    private readonly Lock _lock = new();

    public void Add(long start, long end)
    {
        if (start == end)
        {
            return;
        }

        lock (_lock)
        {
            // First interval that ends at or after start: everything before it cannot touch [start, end).
            int i = 0;
            int hi = _ranges.Count;
            while (i < hi)
            {
                int mid = (i + hi) >>> 1;
                if (_ranges[mid].End < start)
                {
                    i = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            int j = i;
            while (j < _ranges.Count && _ranges[j].Start <= end)
            {
                start = Math.Min(start, _ranges[j].Start);
                end = Math.Max(end, _ranges[j].End);
                j++;
            }

            _ranges.RemoveRange(i, j - i);
            _ranges.Insert(i, (start, end));
        }
    }

    /// <summary>The first range of [0, length) not yet written, or null when all of it is.</summary>
    public (long Start, long End)? FirstMissing(long length)
    {
        lock (_lock)
        {
            long covered = 0;
            foreach ((long start, long end) in _ranges)
            {
                if (start > covered)
                {
                    return (covered, start);
                }

                covered = Math.Max(covered, end);
            }

            return covered >= length ? null : (covered, length);
        }
    }
}
