namespace Fast.Kernels.Methods;

/// <summary>
/// <see cref="MagnitudeTrim"/>'s threshold for a tensor read in pieces: the radix select of the k-th largest magnitude
/// pattern in two streaming passes over the whole tensor (16 high bits, then the 15 low bits of the elements in the
/// chosen high bucket), with one 64 Ki-entry histogram whatever the tensor's size. The threshold and the count above it
/// are those of <see cref="MagnitudeTrim.KeepLargest"/> on the whole tensor (both are defined by the values alone),
/// and <see cref="MagnitudeTrim.ApplyThreshold"/> over the pieces in order then keeps the same set.
/// </summary>
public sealed class MagnitudeSelection
{
    private const int HighShift = 15;
    private int[]? _counts;
    private readonly long _keep;
    private uint _prefix;
    private long _greater;

    /// <summary>Selects the threshold of the <paramref name="keep"/> largest magnitudes (1 ≤ keep &lt; the tensor's elements).</summary>
    /// <param name="keep">How many elements the trim keeps.</param>
    public MagnitudeSelection(long keep)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        _keep = keep;
    }

    /// <summary>Passes over the whole tensor before <see cref="Threshold"/> is known.</summary>
    public const int Passes = 2;

    /// <summary>The k-th largest magnitude pattern (after both passes).</summary>
    public uint Threshold => _prefix;

    /// <summary>Elements whose magnitude pattern lies strictly above <see cref="Threshold"/> (after both passes).</summary>
    public long Above => _greater;

    /// <summary>Counts one piece of the tensor in pass <paramref name="pass"/> (the pieces of a pass in any order).</summary>
    /// <param name="pass">0 or 1.</param>
    /// <param name="values">The piece.</param>
    public void Observe(int pass, ReadOnlySpan<float> values)
    {
        _counts ??= Rented();
        if (pass == 0)
        {
            MagnitudeTrim.Count(values, _counts.AsSpan(0, 1 << 16), HighShift, 16, 0);
        }
        else
        {
            MagnitudeTrim.Count(values, _counts.AsSpan(0, 1 << HighShift), 0, HighShift, _prefix);
        }
    }

    /// <summary>Ends pass <paramref name="pass"/>: picks its bucket.</summary>
    /// <param name="pass">0 or 1.</param>
    public void EndPass(int pass)
    {
        _counts ??= Rented();
        if (pass == 0)
        {
            _prefix = (uint)MagnitudeTrim.FindBucket(_counts.AsSpan(0, 1 << 16), _keep, ref _greater) << HighShift;
            Array.Clear(_counts, 0, 1 << 16);
        }
        else
        {
            _prefix |= (uint)MagnitudeTrim.FindBucket(_counts.AsSpan(0, 1 << HighShift), _keep, ref _greater);

            // The histogram is done with: back to the pool, so that split tensors do not leave 256 KiB arrays to the GC.
            System.Buffers.ArrayPool<int>.Shared.Return(_counts);
            _counts = null;
        }
    }

    private static int[] Rented()
    {
        int[] counts = System.Buffers.ArrayPool<int>.Shared.Rent(1 << 16);
        Array.Clear(counts, 0, 1 << 16);
        return counts;
    }
}
