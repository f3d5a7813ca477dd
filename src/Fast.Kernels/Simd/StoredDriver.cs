using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Fast.Kernels.Conversion;

namespace Fast.Kernels.Simd;

/// <summary>
/// Runs a binary32 operator over stored elements of any <see cref="ElementType"/> in L1-sized blocks: each
/// block is widened (binary32 inputs are read in place), computed by <see cref="ElementwiseDriver"/> and
/// narrowed into the destination. Every input byte is read from memory once and every output byte written
/// once, which is what keeps fp16 merges near memcpy speed without a separate op per dtype combination.
/// </summary>
internal static class StoredDriver
{
    /// <summary>Elements per block: three 4 KiB binary32 buffers stay in L1 next to the streamed data.</summary>
    public const int BlockElements = 1024;

    /// <summary>
    /// <paramref name="op"/>(x, y) into <paramref name="destination"/>. The block buffers are not zeroed
    /// (<c>SkipLocalsInit</c>): every element is written before it is read, and zeroing 12 KiB per call cost plus random,
    /// which calls this per 4096-element piece, ~3 GB of memset on SD1.5.
    /// </summary>
    [SkipLocalsInit]
    public static void Run<TOp>(
        ReadOnlySpan<byte> x, ElementType xType,
        ReadOnlySpan<byte> y, ElementType yType,
        Span<byte> destination, ElementType destinationType,
        TOp op)
        where TOp : struct, IBinaryOperator
    {
        int n = Guard.ElementCount(x, xType, nameof(x));
        Guard.SameLength(n, Guard.ElementCount(y, yType, nameof(y)), nameof(y));
        Guard.SameLength(n, Guard.ElementCount(destination, destinationType, nameof(destination)), nameof(destination));
        Guard.NoPartialOverlap(x, destination, xType == destinationType, nameof(x));
        Guard.NoPartialOverlap(y, destination, yType == destinationType, nameof(y));

        if (xType == yType && xType == destinationType)
        {
            switch (xType)
            {
                case ElementType.F16: HalfPairDriver.Run(x, y, destination, n, op); return;
                case ElementType.BF16: FusedDriver.Run<BF16Codec, TOp>(x, y, destination, n, op); return;
                case ElementType.F32: FusedDriver.Run<F32Codec, TOp>(x, y, destination, n, op); return;
            }
        }

        Span<float> xBuffer = stackalloc float[BlockElements];
        Span<float> yBuffer = stackalloc float[BlockElements];
        Span<float> dBuffer = stackalloc float[BlockElements];
        for (int start = 0; start < n; start += BlockElements)
        {
            int len = Math.Min(BlockElements, n - start);
            ReadOnlySpan<float> xs = Input(x, xType, start, len, xBuffer);
            ReadOnlySpan<float> ys = Input(y, yType, start, len, yBuffer);
            Span<float> ds = Output(destination, destinationType, start, len, dBuffer);
            ElementwiseDriver.Run(xs, ys, ds, op);
            Commit(ds, destination, destinationType, start);
        }
    }

    /// <summary><paramref name="op"/>(x, y, z) into <paramref name="destination"/>; buffers not zeroed, as the binary one.</summary>
    [SkipLocalsInit]
    public static void Run<TOp>(
        ReadOnlySpan<byte> x, ElementType xType,
        ReadOnlySpan<byte> y, ElementType yType,
        ReadOnlySpan<byte> z, ElementType zType,
        Span<byte> destination, ElementType destinationType,
        TOp op)
        where TOp : struct, ITernaryOperator
    {
        int n = Guard.ElementCount(x, xType, nameof(x));
        Guard.SameLength(n, Guard.ElementCount(y, yType, nameof(y)), nameof(y));
        Guard.SameLength(n, Guard.ElementCount(z, zType, nameof(z)), nameof(z));
        Guard.SameLength(n, Guard.ElementCount(destination, destinationType, nameof(destination)), nameof(destination));
        Guard.NoPartialOverlap(x, destination, xType == destinationType, nameof(x));
        Guard.NoPartialOverlap(y, destination, yType == destinationType, nameof(y));
        Guard.NoPartialOverlap(z, destination, zType == destinationType, nameof(z));

        if (xType == yType && xType == zType && xType == destinationType)
        {
            switch (xType)
            {
                case ElementType.F16: HalfPairDriver.Run(x, y, z, destination, n, op); return;
                case ElementType.BF16: FusedDriver.Run<BF16Codec, TOp>(x, y, z, destination, n, op); return;
                case ElementType.F32: FusedDriver.Run<F32Codec, TOp>(x, y, z, destination, n, op); return;
            }
        }

        Span<float> xBuffer = stackalloc float[BlockElements];
        Span<float> yBuffer = stackalloc float[BlockElements];
        Span<float> zBuffer = stackalloc float[BlockElements];
        Span<float> dBuffer = stackalloc float[BlockElements];
        for (int start = 0; start < n; start += BlockElements)
        {
            int len = Math.Min(BlockElements, n - start);
            ReadOnlySpan<float> xs = Input(x, xType, start, len, xBuffer);
            ReadOnlySpan<float> ys = Input(y, yType, start, len, yBuffer);
            ReadOnlySpan<float> zs = Input(z, zType, start, len, zBuffer);
            Span<float> ds = Output(destination, destinationType, start, len, dBuffer);
            ElementwiseDriver.Run(xs, ys, zs, ds, op);
            Commit(ds, destination, destinationType, start);
        }
    }

    /// <summary>Elements [start, start+len) as binary32: the stored floats themselves, or widened into <paramref name="buffer"/>.</summary>
    public static ReadOnlySpan<float> Input(ReadOnlySpan<byte> stored, ElementType type, int start, int len, Span<float> buffer)
    {
        if (type == ElementType.F32)
        {
            return MemoryMarshal.Cast<byte, float>(stored.Slice(start * 4, len * 4));
        }

        int size = ElementTypeInfo.SizeOf(type);
        Span<float> values = buffer[..len];
        ElementConvert.WidenUnchecked(stored.Slice(start * size, len * size), type, values);
        return values;
    }

    /// <summary>Where a block's binary32 results go: straight into a binary32 destination, else into <paramref name="buffer"/>.</summary>
    public static Span<float> Output(Span<byte> stored, ElementType type, int start, int len, Span<float> buffer) =>
        type == ElementType.F32 ? MemoryMarshal.Cast<byte, float>(stored.Slice(start * 4, len * 4)) : buffer[..len];

    /// <summary>Narrows a block computed by <see cref="Output"/> into the destination (nothing to do for binary32).</summary>
    public static void Commit(ReadOnlySpan<float> results, Span<byte> stored, ElementType type, int start)
    {
        if (type != ElementType.F32)
        {
            int size = ElementTypeInfo.SizeOf(type);
            ElementConvert.NarrowUnchecked(results, stored.Slice(start * size, results.Length * size), type);
        }
    }
}
