using Fast.Kernels;

namespace Fast.Merging.Execution.Calcmodes;

/// <summary>Copies a stored operand's bytes from <paramref name="byteOffset"/> of its tensor into all of <paramref name="destination"/>.</summary>
internal delegate void StoredBytesReader(long byteOffset, Span<byte> destination);

/// <summary>
/// One key's stored A and B (and C in add difference) as the cosine pass reads them: rows widened to f32 a block at
/// a time, B replaced by B − C rounded to B's dtype in add difference (<see cref="CosineStatistics.Inputs"/>'s element
/// ops, block by block). The stored bytes are read a window of a few blocks at a time into buffers that stay in the
/// cache: reading a whole key first wrote tens of megabytes to memory (and faulted them in) only to read them back
/// in every sweep.
/// </summary>
internal sealed class StoredPair
{
    /// <summary>
    /// About this many values per window and operand (several blocks, one read each). Reads of 512 KiB of fp16 took
    /// the full-size SD1.5 similarity pass about 0.1 s (7%) less than reads of 128 KiB, mostly kernel time per read;
    /// 1 MiB and more gained nothing more, and at 4 MiB four windows per worker outgrow their share of the L3 cache.
    /// </summary>
    public const int WindowElements = 262144;

    private readonly StoredBytesReader _a, _b;
    private readonly StoredBytesReader? _c;
    private readonly ElementType _typeA, _typeB, _typeC;
    private readonly bool _difference;
    private readonly long _elements;
    private readonly int _windowElements;
    private long _windowStart;
    private int _windowLength;

    /// <summary>The operands' readers and stored types of a key of <paramref name="elements"/> elements (every operand holds as many).</summary>
    /// <remarks>C is read only in add difference (<paramref name="difference"/>); each read takes <paramref name="windowElements"/> values, or at least one block.</remarks>
    public StoredPair(
        StoredBytesReader a, ElementType typeA, StoredBytesReader b, ElementType typeB, StoredBytesReader? c, ElementType typeC,
        bool difference, long elements, int windowElements = WindowElements)
    {
        _a = a;
        _b = b;
        _c = c;
        _typeA = typeA;
        _typeB = typeB;
        _typeC = typeC;
        _difference = difference;
        _elements = elements;
        _windowElements = Math.Max(1, windowElements);
    }

    /// <summary>Operands already in memory (tests; a key read elsewhere).</summary>
    public static StoredPair InMemory(
        byte[] a, ElementType typeA, byte[] b, ElementType typeB, byte[]? c, ElementType typeC, bool difference, int windowElements = WindowElements) =>
        new(
            From(a), typeA, From(b), typeB, c is null ? null : From(c), typeC, difference,
            a.Length / ElementTypeInfo.SizeOf(typeA), windowElements);

    /// <summary>Rows <paramref name="firstRow"/>..+<paramref name="count"/> of A into <paramref name="x"/> and of B (or B − C) into <paramref name="y"/>.</summary>
    public void Load(int firstRow, int count, int columns, CosineScratch scratch, out Span<float> x, out Span<float> y)
    {
        int n = checked(count * columns);
        long first = (long)firstRow * columns;
        if (first < _windowStart || first + n > _windowStart + _windowLength)
        {
            Fill(first, n, scratch);
        }

        int offset = (int)(first - _windowStart);
        x = scratch.X(n);
        y = scratch.Y(n);
        Widen(scratch.StoredA(Bytes(_typeA)), _typeA, offset, x);
        Widen(scratch.StoredB(Bytes(_typeB)), _typeB, offset, y);
        if (_difference)
        {
            Span<float> other = scratch.C(n);
            Widen(scratch.StoredC(Bytes(_typeC)), _typeC, offset, other);
            MergeKernels.Subtract(y, other, y);
            ElementConvert.RoundTo(y, _typeB);
        }
    }

    /// <summary>Reads the window that starts at element <paramref name="first"/> and holds at least <paramref name="n"/> values.</summary>
    private void Fill(long first, int n, CosineScratch scratch)
    {
        _windowStart = first;
        _windowLength = (int)Math.Min(Math.Max(n, _windowElements), _elements - first);
        _a(first * ElementTypeInfo.SizeOf(_typeA), scratch.StoredA(Bytes(_typeA)));
        _b(first * ElementTypeInfo.SizeOf(_typeB), scratch.StoredB(Bytes(_typeB)));
        if (_difference)
        {
            _c!(first * ElementTypeInfo.SizeOf(_typeC), scratch.StoredC(Bytes(_typeC)));
        }
    }

    private long Bytes(ElementType type) => (long)_windowLength * ElementTypeInfo.SizeOf(type);

    private static StoredBytesReader From(byte[] stored) =>
        (byteOffset, destination) => stored.AsSpan(checked((int)byteOffset), destination.Length).CopyTo(destination);

    private static void Widen(ReadOnlySpan<byte> window, ElementType type, int first, Span<float> values)
    {
        int size = ElementTypeInfo.SizeOf(type);
        ElementConvert.Widen(window.Slice(checked(first * size), checked(values.Length * size)), type, values);
    }
}
