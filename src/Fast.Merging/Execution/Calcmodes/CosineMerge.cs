using System.Buffers;
using Fast.Kernels;

namespace Fast.Merging.Execution.Calcmodes;

/// <summary>
/// The cosine calcmodes' merge pass on the CPU: <c>lerp(B, A, k)</c> (B − C rounded to B's dtype in add difference)
/// with k per column, in blocks of rows: each block widened, merged and narrowed into the output while it is in the
/// cache, instead of three tensor-sized f32 arrays. Every step is per element, so the bytes are the whole-tensor ones.
/// </summary>
internal static class CosineMerge
{
    /// <summary>
    /// Elements of one range of the tensor (stored A, B and C in add difference, as the engine's chunks read them)
    /// merged into <paramref name="destination"/>; the range starts at column <paramref name="firstColumn"/> of a row.
    /// </summary>
    public static void RunRange(
        ReadOnlySpan<byte> a, ElementType typeA, ReadOnlySpan<byte> b, ElementType typeB, ReadOnlySpan<byte> c, ElementType typeC,
        bool difference, float[] k, int firstColumn, Span<byte> destination, ElementType outputType)
    {
        int total = a.Length / ElementTypeInfo.SizeOf(typeA);
        int sizeA = ElementTypeInfo.SizeOf(typeA), sizeB = ElementTypeInfo.SizeOf(typeB), sizeC = ElementTypeInfo.SizeOf(typeC);
        int sizeOut = ElementTypeInfo.SizeOf(outputType);
        int columns = k.Length;
        float[] buffer = ArrayPool<float>.Shared.Rent(3 * BlockElements);
        try
        {
            for (int first = 0; first < total; first += BlockElements)
            {
                int n = Math.Min(BlockElements, total - first);
                Span<float> values = buffer.AsSpan(0, n);
                Span<float> other = buffer.AsSpan(BlockElements, n);
                ElementConvert.Widen(a.Slice(first * sizeA, n * sizeA), typeA, values);
                ElementConvert.Widen(b.Slice(first * sizeB, n * sizeB), typeB, other);
                if (difference)
                {
                    Span<float> subtrahend = buffer.AsSpan(2 * BlockElements, n);
                    ElementConvert.Widen(c.Slice(first * sizeC, n * sizeC), typeC, subtrahend);
                    MergeKernels.Subtract(other, subtrahend, other);
                    ElementConvert.RoundTo(other, typeB);
                }

                CosineSimilarity.LerpFrom(other, values, k, (int)((firstColumn + (long)first) % columns), values);
                ElementConvert.Narrow(values, destination.Slice(first * sizeOut, n * sizeOut), outputType);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary>About this many values per block and operand.</summary>
    private const int BlockElements = 16384;

    /// <summary>Merges the region of <paramref name="operands"/> into <paramref name="destination"/> in <paramref name="outputType"/>.</summary>
    public static void Run(Operands operands, bool difference, float[] k, Span<byte> destination, ElementType outputType)
    {
        int total = checked((int)operands.Count);
        if (total == 0)
        {
            return;
        }

        int columns = k.Length;
        int blockRows = Math.Max(1, BlockElements / columns);
        int blockElements = checked(blockRows * columns);
        ElementType typeA = operands.TypeA, typeB = operands.TypeB, typeC = difference ? operands.TypeC : typeB;
        ReadOnlySpan<byte> a = operands.A, b = operands.B, c = difference ? operands.C : default;
        int sizeA = ElementTypeInfo.SizeOf(typeA), sizeB = ElementTypeInfo.SizeOf(typeB), sizeC = ElementTypeInfo.SizeOf(typeC);
        int sizeOut = ElementTypeInfo.SizeOf(outputType);
        float[] buffer = ArrayPool<float>.Shared.Rent(3 * blockElements);
        try
        {
            for (int first = 0; first < total; first += blockElements)
            {
                int n = Math.Min(blockElements, total - first);
                Span<float> values = buffer.AsSpan(0, n);
                Span<float> other = buffer.AsSpan(blockElements, n);
                ElementConvert.Widen(a.Slice(first * sizeA, n * sizeA), typeA, values);
                ElementConvert.Widen(b.Slice(first * sizeB, n * sizeB), typeB, other);
                if (difference)
                {
                    Span<float> subtrahend = buffer.AsSpan(2 * blockElements, n);
                    ElementConvert.Widen(c.Slice(first * sizeC, n * sizeC), typeC, subtrahend);
                    MergeKernels.Subtract(other, subtrahend, other);
                    ElementConvert.RoundTo(other, typeB);
                }

                CosineSimilarity.Lerp(other, values, k, values);
                ElementConvert.Narrow(values, destination.Slice(first * sizeOut, n * sizeOut), outputType);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }
}
