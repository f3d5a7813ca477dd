using Fast.Kernels;

namespace Fast.Merging.Execution.Calcmodes;

/// <summary>
/// One key's stored A and B (and C in add difference) as the cosine pass reads them: rows widened to f32 a block at
/// a time, B replaced by B − C rounded to B's dtype in add difference (<see cref="CosineStatistics.Inputs"/>'s element
/// ops, block by block).
/// </summary>
internal readonly ref struct StoredPair(
    ReadOnlySpan<byte> a, ElementType typeA, ReadOnlySpan<byte> b, ElementType typeB, ReadOnlySpan<byte> c, ElementType typeC, bool difference)
{
    private readonly ReadOnlySpan<byte> _a = a;
    private readonly ReadOnlySpan<byte> _b = b;
    private readonly ReadOnlySpan<byte> _c = c;

    /// <summary>Rows <paramref name="firstRow"/>..+<paramref name="count"/> of A into <paramref name="x"/> and of B (or B − C) into <paramref name="y"/>.</summary>
    public void Load(int firstRow, int count, int columns, CosineScratch scratch, out Span<float> x, out Span<float> y)
    {
        int n = checked(count * columns);
        int first = checked(firstRow * columns);
        x = scratch.X(n);
        y = scratch.Y(n);
        Widen(_a, typeA, first, x);
        Widen(_b, typeB, first, y);
        if (difference)
        {
            Span<float> other = scratch.C(n);
            Widen(_c, typeC, first, other);
            MergeKernels.Subtract(y, other, y);
            ElementConvert.RoundTo(y, typeB);
        }
    }

    private static void Widen(ReadOnlySpan<byte> stored, ElementType type, int first, Span<float> values)
    {
        int size = ElementTypeInfo.SizeOf(type);
        ElementConvert.Widen(stored.Slice(checked(first * size), checked(values.Length * size)), type, values);
    }
}
