using Fast.Merging.Methods;

namespace Fast.Merging.Graphs;

/// <summary>
/// One graph worker's buffers, sized once for the run: an f32 array of <see cref="PieceElements"/> per input and per
/// merge node, the methods' scratch, and byte buffers for a piece's stored and narrowed bytes. A worker therefore
/// holds the same memory for the largest tensor as for a small one, and nothing is returned to the shared pools
/// (which keep arrays per core).
/// </summary>
internal sealed class GraphWorkspace(int pieceElements)
{
    private readonly Dictionary<string, float[]> _values = new(StringComparer.Ordinal);
    private byte[] _stored = [];
    private byte[] _narrowed = [];

    /// <summary>The most elements a piece holds.</summary>
    public int PieceElements { get; } = pieceElements;

    /// <summary>The methods' scratch arrays.</summary>
    public ScratchBuffers Scratch { get; } = new();

    /// <summary>The piece buffer of input or node <paramref name="name"/>.</summary>
    public float[] Values(string name)
    {
        if (!_values.TryGetValue(name, out float[]? array))
        {
            _values[name] = array = new float[PieceElements];
        }

        return array;
    }

    /// <summary>A buffer for <paramref name="length"/> stored bytes read from an input.</summary>
    public Span<byte> Stored(int length) => Grown(ref _stored, length).AsSpan(0, length);

    /// <summary>A buffer for <paramref name="length"/> bytes to be written.</summary>
    public Span<byte> Narrowed(int length) => Grown(ref _narrowed, length).AsSpan(0, length);

    private static byte[] Grown(ref byte[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new byte[length];
        }

        return buffer;
    }
}
