namespace Fast.Kernels.Gpu.Kernels;

/// <summary>
/// A rank 1–4 shape passed to the filter kernels, right-aligned: <see cref="D3"/> is the last (fastest)
/// axis and axes beyond <see cref="Rank"/> are 1 and take no part in the neighbourhood.
/// </summary>
internal struct FilterShape
{
    public int Rank;
    public int D0;
    public int D1;
    public int D2;
    public int D3;

    public static FilterShape FromDimensions(ReadOnlySpan<int> dimensions)
    {
        Span<int> aligned = [1, 1, 1, 1];
        dimensions.CopyTo(aligned[(4 - dimensions.Length)..]);
        return new FilterShape { Rank = dimensions.Length, D0 = aligned[0], D1 = aligned[1], D2 = aligned[2], D3 = aligned[3] };
    }
}
