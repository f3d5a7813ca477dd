using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Fast.Kernels.Filters;

/// <summary>
/// The smoothAdd median (SPEC §4): every element becomes the exact median of its 3×…×3 neighbourhood over
/// all axes, with half-sample reflection at the edges. Bit-identical to
/// <c>scipy.ndimage.median_filter(x, size=3, mode='reflect')</c> on float32, NaN and signed zeros included.
/// </summary>
public static class MedianFilter
{
    /// <summary>Filters <paramref name="source"/> (row-major, <paramref name="shape"/>) into <paramref name="destination"/>.</summary>
    /// <param name="source">Input elements; must not overlap <paramref name="destination"/>.</param>
    /// <param name="destination">Output elements, same count as <paramref name="source"/>.</param>
    /// <param name="shape">Axis lengths; empty for a scalar (copied unchanged).</param>
    /// <param name="maxDegreeOfParallelism">Threads to use; −1 uses every core. The result does not depend on it.</param>
    /// <exception cref="ArgumentException">The shape does not match the spans, or the spans overlap.</exception>
    public static void Apply(ReadOnlySpan<float> source, Span<float> destination, ReadOnlySpan<int> shape, int maxDegreeOfParallelism = -1)
    {
        if (shape.Length == 1 && shape[0] > 0 && shape[0] == source.Length && shape[0] == destination.Length)
        {
            // One axis: three values per output, nothing to share between rows; the padded layout, the shape
            // object and a second pass looking for NaN and −0 would cost more than the medians (bias and norm
            // vectors are this shape).
            FilterShape.RequireDistinct(source, destination);
            if (MedianOfThreeNeighbours(source, destination))
            {
                FixSpecialNeighbourhoods(source, destination, new FilterShape(shape, source.Length, destination.Length));
            }

            return;
        }

        var layout = new FilterShape(shape, source.Length, destination.Length);
        FilterShape.RequireDistinct(source, destination);
        if (layout.Count == 0)
        {
            return;
        }

        if (layout.Rank == 0)
        {
            destination[0] = source[0];
            return;
        }

        if (layout.Rank > 4)
        {
            // No network is generated beyond 81 values; scipy's own algorithm is exact, just slow.
            ApplyScipyOrder(source, destination, layout, 0, layout.Count);
            return;
        }

        MedianRowDriver.Run(source, destination, layout, maxDegreeOfParallelism);

        FixSpecialNeighbourhoods(source, destination, layout);
    }

    /// <summary>
    /// 1-D median: out[i] = median(x[i−1], x[i], x[i+1]) with the edges repeated (radius-1 half-sample reflection),
    /// the same min/max network as the row driver, so values without NaN and −0 come out identical. Returns
    /// whether the input holds a NaN or −0 (then scipy's tie and NaN rules must be applied), found on the way.
    /// </summary>
    private static bool MedianOfThreeNeighbours(ReadOnlySpan<float> source, Span<float> destination)
    {
        int n = source.Length;
        ref float x = ref MemoryMarshal.GetReference(source);
        ref float d = ref MemoryMarshal.GetReference(destination);
        bool special = IsSpecial(source[0]) || IsSpecial(source[n - 1]);
        destination[0] = Median3(source[0], source[0], source[Math.Min(1, n - 1)]);
        destination[n - 1] = Median3(source[Math.Max(n - 2, 0)], source[n - 1], source[n - 1]);
        int i = 1;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<uint> flags = Vector512<uint>.Zero;
            for (; i + Vector512<float>.Count < n; i += Vector512<float>.Count)
            {
                Vector512<float> a = Vector512.LoadUnsafe(ref x, (nuint)(i - 1));
                Vector512<float> b = Vector512.LoadUnsafe(ref x, (nuint)i);
                Vector512<float> c = Vector512.LoadUnsafe(ref x, (nuint)(i + 1));
                Vector512.MaxNative(Vector512.MinNative(a, b), Vector512.MinNative(Vector512.MaxNative(a, b), c)).StoreUnsafe(ref d, (nuint)i);
                Vector512<uint> bits = b.AsUInt32();
                flags |= Vector512.Equals(bits, Vector512.Create(NegativeZeroBits)) | Vector512.GreaterThan(bits & Vector512.Create(0x7FFF_FFFFu), Vector512.Create(InfinityBits));
            }

            special |= flags != Vector512<uint>.Zero;
        }

        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<uint> flags = Vector256<uint>.Zero;
            for (; i + Vector256<float>.Count < n; i += Vector256<float>.Count)
            {
                Vector256<float> a = Vector256.LoadUnsafe(ref x, (nuint)(i - 1));
                Vector256<float> b = Vector256.LoadUnsafe(ref x, (nuint)i);
                Vector256<float> c = Vector256.LoadUnsafe(ref x, (nuint)(i + 1));
                Vector256.MaxNative(Vector256.MinNative(a, b), Vector256.MinNative(Vector256.MaxNative(a, b), c)).StoreUnsafe(ref d, (nuint)i);
                Vector256<uint> bits = b.AsUInt32();
                flags |= Vector256.Equals(bits, Vector256.Create(NegativeZeroBits)) | Vector256.GreaterThan(bits & Vector256.Create(0x7FFF_FFFFu), Vector256.Create(InfinityBits));
            }

            special |= flags != Vector256<uint>.Zero;
        }

        for (; i < n - 1; i++)
        {
            special |= IsSpecial(Unsafe.Add(ref x, i));
            Unsafe.Add(ref d, i) = Median3(Unsafe.Add(ref x, i - 1), Unsafe.Add(ref x, i), Unsafe.Add(ref x, i + 1));
        }

        return special;
    }

    private const uint NegativeZeroBits = 0x8000_0000u;

    private const uint InfinityBits = 0x7F80_0000u;

    /// <summary>NaN or −0: the values whose median scipy's quickselect decides (<see cref="SpecialValues"/>).</summary>
    private static bool IsSpecial(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        return bits == NegativeZeroBits || (bits & 0x7FFF_FFFFu) > InfinityBits;
    }

    private static float Median3(float a, float b, float c) => Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));

    /// <summary>
    /// The networks give the right value everywhere, but only scipy's quickselect decides which zero (±0) is
    /// returned when zeros of both signs tie, and what comes out around NaN. Those outputs are recomputed.
    /// </summary>
    private static void FixSpecialNeighbourhoods(ReadOnlySpan<float> source, Span<float> destination, in FilterShape layout)
    {
        if (!SpecialValues.Any(source))
        {
            return;
        }

        const byte NearNaN = 1;
        const byte NearNegativeZero = 2;
        byte[] marks = ArrayPool<byte>.Shared.Rent(layout.Count);
        Span<byte> mark = marks.AsSpan(0, layout.Count);
        mark.Clear();
        Span<int> coords = stackalloc int[layout.Rank];
        for (int p = 0; p < layout.Count; p++)
        {
            uint bits = BitConverter.SingleToUInt32Bits(source[p]);
            byte kind = float.IsNaN(source[p]) ? NearNaN : bits == 0x8000_0000u ? NearNegativeZero : (byte)0;
            if (kind != 0)
            {
                MarkCube(mark, layout, p, kind, coords);
            }
        }

        Span<double> buffer = stackalloc double[Pow3(layout.Rank)];
        for (int q = 0; q < layout.Count; q++)
        {
            if ((mark[q] & NearNaN) != 0 || (mark[q] != 0 && destination[q] == 0f))
            {
                destination[q] = ScipyRankSelect.MedianAt(source, layout, q, buffer, coords);
            }
        }

        ArrayPool<byte>.Shared.Return(marks);
    }

    /// <summary>Marks every output whose neighbourhood holds input p: the clipped cube of radius 1 around p.</summary>
    private static void MarkCube(Span<byte> mark, in FilterShape layout, int p, byte kind, Span<int> coords)
    {
        int rank = layout.Rank;
        int rem = p;
        for (int a = rank - 1; a >= 0; a--)
        {
            coords[a] = rem % layout.Dims[a];
            rem /= layout.Dims[a];
        }

        int cube = Pow3(rank);
        for (int f = 0; f < cube; f++)
        {
            int digits = f;
            nint q = 0;
            bool inside = true;
            for (int a = rank - 1; a >= 0 && inside; a--)
            {
                int c = coords[a] + (digits % 3) - 1;
                digits /= 3;
                inside = c >= 0 && c < layout.Dims[a];
                q += c * layout.Strides[a];
            }

            if (inside)
            {
                mark[(int)q] |= kind;
            }
        }
    }

    private static void ApplyScipyOrder(ReadOnlySpan<float> source, Span<float> destination, in FilterShape layout, int start, int end)
    {
        Span<double> buffer = new double[Pow3(layout.Rank)];
        Span<int> coords = stackalloc int[layout.Rank];
        for (int q = start; q < end; q++)
        {
            destination[q] = ScipyRankSelect.MedianAt(source, layout, q, buffer, coords);
        }
    }

    private static int Pow3(int rank)
    {
        int size = 1;
        for (int a = 0; a < rank; a++)
        {
            size = checked(size * 3);
        }

        return size;
    }
}
