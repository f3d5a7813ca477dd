namespace Fast.Kernels.Filters;

/// <summary>Validated dense row-major shape shared by the smoothAdd filters.</summary>
internal readonly struct FilterShape
{
    public FilterShape(ReadOnlySpan<int> shape, int sourceLength, int destinationLength)
    {
        Dims = shape.ToArray();
        long count = 1;
        foreach (int n in Dims)
        {
            if (n < 0)
            {
                throw new ArgumentException($"Shape [{string.Join(", ", Dims)}] has a negative axis length.", nameof(shape));
            }

            count = checked(count * n);
        }

        if (count != sourceLength || count != destinationLength)
        {
            throw new ArgumentException(
                $"Shape [{string.Join(", ", Dims)}] holds {count} elements but source has {sourceLength} and destination {destinationLength}.", nameof(shape));
        }

        Count = (int)count;
        Strides = new nint[Dims.Length];
        nint stride = 1;
        for (int a = Dims.Length - 1; a >= 0; a--)
        {
            Strides[a] = stride;
            stride *= Dims[a];
        }
    }

    public int[] Dims { get; }

    public nint[] Strides { get; }

    public int Count { get; }

    public int Rank => Dims.Length;

    /// <summary>Half-sample reflection with period 2n, valid for any distance outside the axis.</summary>
    public static int Reflect(int index, int length)
    {
        int period = 2 * length;
        int m = index % period;
        if (m < 0)
        {
            m += period;
        }

        return m < length ? m : period - 1 - m;
    }

    /// <summary>Throws when the two spans share memory: both filters read neighbours after writing.</summary>
    public static void RequireDistinct(ReadOnlySpan<float> source, Span<float> destination)
    {
        if (source.Overlaps(destination))
        {
            throw new ArgumentException("Source and destination overlap; filter into a separate buffer.", nameof(destination));
        }
    }
}
