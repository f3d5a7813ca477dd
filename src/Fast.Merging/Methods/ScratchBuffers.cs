namespace Fast.Merging.Methods;

/// <summary>
/// One worker's scratch arrays for the merge methods, kept for the whole run: what is allocated is bounded by the
/// most a node needs at once times the piece size, and nothing is left to a shared pool that keeps arrays per core.
/// Not thread-safe (one per worker).
/// </summary>
internal sealed class ScratchBuffers
{
    private readonly Stack<float[]> _free = new();

    /// <summary>An array of at least <paramref name="count"/> elements.</summary>
    public float[] Rent(int count)
    {
        while (_free.TryPop(out float[]? array))
        {
            if (array.Length >= count)
            {
                return array;
            }
        }

        return new float[Math.Max(1, count)];
    }

    /// <summary>Gives <paramref name="array"/> back for the next <see cref="Rent"/>.</summary>
    public void Return(float[] array) => _free.Push(array);
}
