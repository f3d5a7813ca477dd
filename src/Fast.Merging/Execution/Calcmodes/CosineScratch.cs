namespace Fast.Merging.Execution.Calcmodes;

/// <summary>
/// One worker's buffers for the cosine similarity pass (a window of stored bytes per operand, a block of f32 values),
/// kept across keys and only grown: renting arrays per key made the pass fault in (and the kernel zero) fresh pages.
/// </summary>
internal sealed class CosineScratch
{
    private byte[] _storedA = [], _storedB = [], _storedC = [];
    private float[] _x = [], _y = [], _c = [];

    /// <summary>A window of A's stored bytes.</summary>
    public Span<byte> StoredA(long length) => Grow(ref _storedA, length);

    /// <summary>A window of B's stored bytes.</summary>
    public Span<byte> StoredB(long length) => Grow(ref _storedB, length);

    /// <summary>A window of C's stored bytes (add difference).</summary>
    public Span<byte> StoredC(long length) => Grow(ref _storedC, length);

    /// <summary>A block of A's values as f32.</summary>
    public Span<float> X(int length) => Grow(ref _x, length);

    /// <summary>A block of B's (or B − C's) values as f32.</summary>
    public Span<float> Y(int length) => Grow(ref _y, length);

    /// <summary>A block of C's values as f32 (add difference).</summary>
    public Span<float> C(int length) => Grow(ref _c, length);

    private static Span<T> Grow<T>(ref T[] buffer, long length)
    {
        if (buffer.Length < length)
        {
            buffer = GC.AllocateUninitializedArray<T>(checked((int)length));
        }

        return buffer.AsSpan(0, (int)length);
    }
}
