using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Fast.Kernels.Filters;

/// <summary>Hand-sized networks for the 3-value (1-D) and 9-value (2-D) medians; same contract as <see cref="MedianNetworks"/>.</summary>
internal static class MedianSmallNetworks
{
    /// <summary>8 outputs at a time (Vector256).</summary>
    internal static class V256
    {
        /// <summary>"Column" of one value: copies it, so 1-D runs through the same row driver.</summary>
        public static void SortColumn1(ref float source, ReadOnlySpan<nint> offsets, ref float destination, nint destinationStride)
        {
            _ = destinationStride;
            Vector256.LoadUnsafe(ref source, (nuint)offsets[0]).StoreUnsafe(ref destination);
        }

        /// <summary>Median of the three values left of, at and right of the output.</summary>
        public static Vector256<float> MedianOfThreeSorted1(ref float columns, nint stride)
        {
            _ = stride;
            var a = Vector256.LoadUnsafe(ref Unsafe.Add(ref columns, -1));
            var b = Vector256.LoadUnsafe(ref columns);
            var c = Vector256.LoadUnsafe(ref Unsafe.Add(ref columns, 1));
            return Median3(a, b, c);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void SortColumn3(ref float source, ReadOnlySpan<nint> offsets, ref float destination, nint destinationStride)
        {
            ref nint o = ref MemoryMarshal.GetReference(offsets[..3]);
            var a = Vector256.LoadUnsafe(ref source, (nuint)o);
            var b = Vector256.LoadUnsafe(ref source, (nuint)Unsafe.Add(ref o, 1));
            var c = Vector256.LoadUnsafe(ref source, (nuint)Unsafe.Add(ref o, 2));
            (a, b) = (Vector256.MinNative(a, b), Vector256.MaxNative(a, b));
            (b, c) = (Vector256.MinNative(b, c), Vector256.MaxNative(b, c));
            (a, b) = (Vector256.MinNative(a, b), Vector256.MaxNative(a, b));
            a.StoreUnsafe(ref destination);
            b.StoreUnsafe(ref destination, (nuint)destinationStride);
            c.StoreUnsafe(ref destination, (nuint)(2 * destinationStride));
        }

        /// <summary>
        /// Median of three sorted columns of three: the classic med3(max of lows, med3 of middles, min of highs),
        /// exact because the four values below max-of-lows and the four above min-of-highs can be discarded in pairs.
        /// </summary>
        public static Vector256<float> MedianOfThreeSorted3(ref float columns, nint stride)
        {
            ref float left = ref Unsafe.Add(ref columns, -1);
            ref float right = ref Unsafe.Add(ref columns, 1);
            var lows = Vector256.MaxNative(Vector256.MaxNative(Vector256.LoadUnsafe(ref left), Vector256.LoadUnsafe(ref columns)), Vector256.LoadUnsafe(ref right));
            var mids = Median3(
                Vector256.LoadUnsafe(ref left, (nuint)stride),
                Vector256.LoadUnsafe(ref columns, (nuint)stride),
                Vector256.LoadUnsafe(ref right, (nuint)stride));
            var highs = Vector256.MinNative(
                Vector256.MinNative(Vector256.LoadUnsafe(ref left, (nuint)(2 * stride)), Vector256.LoadUnsafe(ref columns, (nuint)(2 * stride))),
                Vector256.LoadUnsafe(ref right, (nuint)(2 * stride)));
            return Median3(lows, mids, highs);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> Median3(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
            Vector256.MaxNative(Vector256.MinNative(a, b), Vector256.MinNative(Vector256.MaxNative(a, b), c));
    }

    /// <summary>16 outputs at a time (Vector512).</summary>
    internal static class V512
    {
        /// <summary>"Column" of one value: copies it, so 1-D runs through the same row driver.</summary>
        public static void SortColumn1(ref float source, ReadOnlySpan<nint> offsets, ref float destination, nint destinationStride)
        {
            _ = destinationStride;
            Vector512.LoadUnsafe(ref source, (nuint)offsets[0]).StoreUnsafe(ref destination);
        }

        /// <summary>Median of the three values left of, at and right of the output.</summary>
        public static Vector512<float> MedianOfThreeSorted1(ref float columns, nint stride)
        {
            _ = stride;
            var a = Vector512.LoadUnsafe(ref Unsafe.Add(ref columns, -1));
            var b = Vector512.LoadUnsafe(ref columns);
            var c = Vector512.LoadUnsafe(ref Unsafe.Add(ref columns, 1));
            return Median3(a, b, c);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void SortColumn3(ref float source, ReadOnlySpan<nint> offsets, ref float destination, nint destinationStride)
        {
            ref nint o = ref MemoryMarshal.GetReference(offsets[..3]);
            var a = Vector512.LoadUnsafe(ref source, (nuint)o);
            var b = Vector512.LoadUnsafe(ref source, (nuint)Unsafe.Add(ref o, 1));
            var c = Vector512.LoadUnsafe(ref source, (nuint)Unsafe.Add(ref o, 2));
            (a, b) = (Vector512.MinNative(a, b), Vector512.MaxNative(a, b));
            (b, c) = (Vector512.MinNative(b, c), Vector512.MaxNative(b, c));
            (a, b) = (Vector512.MinNative(a, b), Vector512.MaxNative(a, b));
            a.StoreUnsafe(ref destination);
            b.StoreUnsafe(ref destination, (nuint)destinationStride);
            c.StoreUnsafe(ref destination, (nuint)(2 * destinationStride));
        }

        /// <summary>
        /// Median of three sorted columns of three: the classic med3(max of lows, med3 of middles, min of highs),
        /// exact because the four values below max-of-lows and the four above min-of-highs can be discarded in pairs.
        /// </summary>
        public static Vector512<float> MedianOfThreeSorted3(ref float columns, nint stride)
        {
            ref float left = ref Unsafe.Add(ref columns, -1);
            ref float right = ref Unsafe.Add(ref columns, 1);
            var lows = Vector512.MaxNative(Vector512.MaxNative(Vector512.LoadUnsafe(ref left), Vector512.LoadUnsafe(ref columns)), Vector512.LoadUnsafe(ref right));
            var mids = Median3(
                Vector512.LoadUnsafe(ref left, (nuint)stride),
                Vector512.LoadUnsafe(ref columns, (nuint)stride),
                Vector512.LoadUnsafe(ref right, (nuint)stride));
            var highs = Vector512.MinNative(
                Vector512.MinNative(Vector512.LoadUnsafe(ref left, (nuint)(2 * stride)), Vector512.LoadUnsafe(ref columns, (nuint)(2 * stride))),
                Vector512.LoadUnsafe(ref right, (nuint)(2 * stride)));
            return Median3(lows, mids, highs);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<float> Median3(Vector512<float> a, Vector512<float> b, Vector512<float> c) =>
            Vector512.MaxNative(Vector512.MinNative(a, b), Vector512.MinNative(Vector512.MaxNative(a, b), c));
    }
}
