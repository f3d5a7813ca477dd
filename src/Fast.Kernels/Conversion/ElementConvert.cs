using System.Runtime.InteropServices;

namespace Fast.Kernels;

using Fast.Kernels.Conversion;

/// <summary>
/// Widening of stored elements to binary32 and narrowing back (round to nearest, ties to even; NaN stays NaN,
/// ±Inf, ±0 and subnormals are exact). fp8 e4m3fn narrowing saturates to ±448 (±Inf included); fp8 e5m2
/// narrowing saturates finite values to ±57344 and keeps ±Inf. Results do not depend on the SIMD width.
/// </summary>
public static class ElementConvert
{
    /// <summary>Elements per block in <see cref="Convert"/> and <see cref="RoundTo"/>: small enough to stay in L1.</summary>
    internal const int BlockElements = 1024;

    /// <summary>Converts <paramref name="source"/> elements of <paramref name="type"/> to binary32.</summary>
    /// <exception cref="ArgumentException">Lengths disagree, or the spans overlap.</exception>
    public static void Widen(ReadOnlySpan<byte> source, ElementType type, Span<float> destination)
    {
        int n = Guard.ElementCount(source, type, nameof(source));
        Guard.SameLength(n, destination.Length, nameof(destination));
        Guard.NoPartialOverlap(source, destination, sameFormat: false, nameof(source));
        WidenUnchecked(source, type, destination);
    }

    /// <summary>Rounds binary32 values to <paramref name="type"/> and stores them.</summary>
    /// <exception cref="ArgumentException">Lengths disagree, or the spans overlap.</exception>
    public static void Narrow(ReadOnlySpan<float> source, Span<byte> destination, ElementType type)
    {
        int n = Guard.ElementCount(destination, type, nameof(destination));
        Guard.SameLength(source.Length, n, nameof(destination));
        Guard.NoPartialOverlap(source, destination, sameFormat: false, nameof(source));
        NarrowUnchecked(source, destination, type);
    }

    /// <summary>Converts between two stored formats through binary32 (so F64 to F64 is rounded to binary32 precision).</summary>
    /// <exception cref="ArgumentException">Lengths disagree, or the spans overlap.</exception>
    public static void Convert(ReadOnlySpan<byte> source, ElementType sourceType, Span<byte> destination, ElementType destinationType)
    {
        int n = Guard.ElementCount(source, sourceType, nameof(source));
        Guard.SameLength(n, Guard.ElementCount(destination, destinationType, nameof(destination)), nameof(destination));
        Guard.NoPartialOverlap(source, destination, sameFormat: false, nameof(source));
        int inSize = ElementTypeInfo.SizeOf(sourceType);
        int outSize = ElementTypeInfo.SizeOf(destinationType);
        Span<float> block = stackalloc float[BlockElements];
        for (int start = 0; start < n; start += BlockElements)
        {
            int len = Math.Min(BlockElements, n - start);
            Span<float> values = block[..len];
            WidenUnchecked(source.Slice(start * inSize, len * inSize), sourceType, values);
            NarrowUnchecked(values, destination.Slice(start * outSize, len * outSize), destinationType);
        }
    }

    /// <summary>
    /// Rounds every value to the nearest value of <paramref name="type"/> and widens it back, in place: what a
    /// tensor op computed in binary32 and stored in <paramref name="type"/> would leave (e.g. B − C in B's dtype).
    /// </summary>
    public static void RoundTo(Span<float> values, ElementType type)
    {
        if (type is ElementType.F32 or ElementType.F64)
        {
            return; // binary32 -> binary64 -> binary32 is the identity
        }

        Span<byte> scratch = stackalloc byte[BlockElements * 2];
        int size = ElementTypeInfo.SizeOf(type);
        for (int start = 0; start < values.Length; start += BlockElements)
        {
            Span<float> chunk = values.Slice(start, Math.Min(BlockElements, values.Length - start));
            Span<byte> stored = scratch[..(chunk.Length * size)];
            NarrowUnchecked(chunk, stored, type);
            WidenUnchecked(stored, type, chunk);
        }
    }

    internal static void WidenUnchecked(ReadOnlySpan<byte> source, ElementType type, Span<float> destination)
    {
        switch (type)
        {
            case ElementType.F16: ConvertLoop.Widen<F16Codec>(source, destination); break;
            case ElementType.BF16: ConvertLoop.Widen<BF16Codec>(source, destination); break;
            case ElementType.F32: MemoryMarshal.Cast<byte, float>(source).CopyTo(destination); break;
            case ElementType.F64: ConvertLoop.Widen<F64Codec>(source, destination); break;
            case ElementType.F8E4M3: ConvertLoop.Widen<F8E4M3Codec>(source, destination); break;
            case ElementType.F8E5M2: ConvertLoop.Widen<F8E5M2Codec>(source, destination); break;
            default: throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown element type.");
        }
    }

    internal static void NarrowUnchecked(ReadOnlySpan<float> source, Span<byte> destination, ElementType type)
    {
        switch (type)
        {
            case ElementType.F16: ConvertLoop.Narrow<F16Codec>(source, destination); break;
            case ElementType.BF16: ConvertLoop.Narrow<BF16Codec>(source, destination); break;
            case ElementType.F32: MemoryMarshal.AsBytes(source).CopyTo(destination); break;
            case ElementType.F64: ConvertLoop.Narrow<F64Codec>(source, destination); break;
            case ElementType.F8E4M3: ConvertLoop.Narrow<F8E4M3Codec>(source, destination); break;
            case ElementType.F8E5M2: ConvertLoop.Narrow<F8E5M2Codec>(source, destination); break;
            default: throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown element type.");
        }
    }
}
