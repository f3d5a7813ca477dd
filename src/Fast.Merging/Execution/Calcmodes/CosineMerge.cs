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
        bool difference, float[] k, int firstColumn, Span<byte> destination, ElementType outputType) =>
        Sweep(a, typeA, b, typeB, c, typeC, difference, k, firstColumn, a.Length / ElementTypeInfo.SizeOf(typeA), BlockElements, destination, outputType);

    /// <summary>Merges the region of <paramref name="operands"/> into <paramref name="destination"/> in <paramref name="outputType"/>.</summary>
    public static void Run(Operands operands, bool difference, float[] k, Span<byte> destination, ElementType outputType)
    {
        int total = checked((int)operands.Count);
        if (total == 0)
        {
            return;
        }

        // Blocks of whole rows, so every block starts at column 0.
        int blockElements = checked(Math.Max(1, BlockElements / k.Length) * k.Length);
        ElementType typeB = operands.TypeB, typeC = difference ? operands.TypeC : typeB;
        Sweep(
            operands.A, operands.TypeA, operands.B, typeB, difference ? operands.C : default, typeC,
            difference, k, 0, total, blockElements, destination, outputType);
    }

    /// <summary>About this many values per block and operand.</summary>
    private const int BlockElements = 2048;

    /// <summary>
    /// <paramref name="total"/> elements, the first at column <paramref name="firstColumn"/> of a row, in blocks of
    /// <paramref name="blockElements"/>: each widened, merged and narrowed into <paramref name="destination"/>.
    /// </summary>
    private static void Sweep(
        ReadOnlySpan<byte> a, ElementType typeA, ReadOnlySpan<byte> b, ElementType typeB, ReadOnlySpan<byte> c, ElementType typeC,
        bool difference, float[] k, int firstColumn, int total, int blockElements, Span<byte> destination, ElementType outputType)
    {
        int sizeA = ElementTypeInfo.SizeOf(typeA), sizeB = ElementTypeInfo.SizeOf(typeB), sizeC = ElementTypeInfo.SizeOf(typeC);
        int sizeOut = ElementTypeInfo.SizeOf(outputType);
        int columns = k.Length;
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

                CosineSimilarity.LerpFrom(other, values, k, (int)((firstColumn + (long)first) % columns), values);
                ElementConvert.Narrow(values, destination.Slice(first * sizeOut, n * sizeOut), outputType);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }
}
