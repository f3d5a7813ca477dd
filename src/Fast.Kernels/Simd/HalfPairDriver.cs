using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Fast.Kernels.Conversion;

namespace Fast.Kernels.Simd;

/// <summary>
/// The single-pass driver for binary16 inputs and destination: 32-bit lanes are loaded as pairs of halves
/// (<see cref="HalfPairs"/>), widened into an even and an odd float vector, operated on, and narrowed back into
/// pairs, so no lane shuffles run at all. Same in-place-safe overlapping tail as <see cref="ElementwiseDriver"/>;
/// every element is computed by the same exact operator, so results equal the blocked path bit for bit.
/// The per-width loops are optimised from their first call: the merge engine calls once per tensor.
/// </summary>
internal static class HalfPairDriver
{
    /// <summary>Outputs of at least this many halves (8 MiB) use streaming stores (<see cref="StreamingStart"/>).</summary>
    private const nuint StreamingElements = 4 * 1024 * 1024;

    /// <summary>Inputs and destination all binary16; lengths and overlap already checked.</summary>
    public static void Run<TOp>(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y, Span<byte> destination, int count, TOp op)
        where TOp : struct, IBinaryOperator
    {
        ref byte xr = ref MemoryMarshal.GetReference(x);
        ref byte yr = ref MemoryMarshal.GetReference(y);
        ref byte dr = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)count;
        if (Vector512.IsHardwareAccelerated && n >= 32)
        {
            Run512(ref xr, ref yr, ref dr, n, op);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 16)
        {
            Run256(ref xr, ref yr, ref dr, n, op);
        }
        else if (Vector128.IsHardwareAccelerated && n >= 8)
        {
            Run128(ref xr, ref yr, ref dr, n, op);
        }
        else
        {
            for (nuint j = 0; j < n; j++)
            {
                F16Codec.Store(ref Unsafe.Add(ref dr, j * 2), op.Invoke(F16Codec.Load(ref Unsafe.Add(ref xr, j * 2)), F16Codec.Load(ref Unsafe.Add(ref yr, j * 2))));
            }
        }
    }

    /// <summary>Inputs and destination all binary16; lengths and overlap already checked.</summary>
    public static void Run<TOp>(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y, ReadOnlySpan<byte> z, Span<byte> destination, int count, TOp op)
        where TOp : struct, ITernaryOperator
    {
        ref byte xr = ref MemoryMarshal.GetReference(x);
        ref byte yr = ref MemoryMarshal.GetReference(y);
        ref byte zr = ref MemoryMarshal.GetReference(z);
        ref byte dr = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)count;
        if (Vector512.IsHardwareAccelerated && n >= 32)
        {
            Run512(ref xr, ref yr, ref zr, ref dr, n, op);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 16)
        {
            Run256(ref xr, ref yr, ref zr, ref dr, n, op);
        }
        else if (Vector128.IsHardwareAccelerated && n >= 8)
        {
            Run128(ref xr, ref yr, ref zr, ref dr, n, op);
        }
        else
        {
            for (nuint j = 0; j < n; j++)
            {
                F16Codec.Store(ref Unsafe.Add(ref dr, j * 2), op.Invoke(F16Codec.Load(ref Unsafe.Add(ref xr, j * 2)), F16Codec.Load(ref Unsafe.Add(ref yr, j * 2)), F16Codec.Load(ref Unsafe.Add(ref zr, j * 2))));
            }
        }
    }

    // ---------------- Vector512 ----------------

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Run512<TOp>(ref byte x, ref byte y, ref byte d, nuint n, TOp op)
        where TOp : struct, IBinaryOperator
    {
        // The first and last pairs are computed before anything is stored, so an in-place destination still
        // holds the original values where they overlap the main loop.
        Vector512<uint> first = Step512(Load512(ref x, 0), Load512(ref y, 0), op);
        Vector512<uint> last = Step512(Load512(ref x, n - 32), Load512(ref y, n - 32), op);
        fixed (byte* destination = &d)
        {
            nuint start = StreamingStart(destination, n);
            if (start == 0)
            {
                for (nuint i = 0; i + 32 <= n; i += 32)
                {
                    Store512(ref d, i, Step512(Load512(ref x, i), Load512(ref y, i), op));
                }
            }
            else
            {
                for (nuint i = start; i + 32 <= n; i += 32)
                {
                    Avx512F.StoreAlignedNonTemporal((uint*)(destination + (i * 2)), Step512(Load512(ref x, i), Load512(ref y, i), op));
                }

                Sse.StoreFence();
            }
        }

        Store512(ref d, 0, first);
        Store512(ref d, n - 32, last);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Run512<TOp>(ref byte x, ref byte y, ref byte z, ref byte d, nuint n, TOp op)
        where TOp : struct, ITernaryOperator
    {
        Vector512<uint> first = Step512(Load512(ref x, 0), Load512(ref y, 0), Load512(ref z, 0), op);
        Vector512<uint> last = Step512(Load512(ref x, n - 32), Load512(ref y, n - 32), Load512(ref z, n - 32), op);
        fixed (byte* destination = &d)
        {
            nuint start = StreamingStart(destination, n);
            if (start == 0)
            {
                for (nuint i = 0; i + 32 <= n; i += 32)
                {
                    Store512(ref d, i, Step512(Load512(ref x, i), Load512(ref y, i), Load512(ref z, i), op));
                }
            }
            else
            {
                for (nuint i = start; i + 32 <= n; i += 32)
                {
                    Avx512F.StoreAlignedNonTemporal((uint*)(destination + (i * 2)), Step512(Load512(ref x, i), Load512(ref y, i), Load512(ref z, i), op));
                }

                Sse.StoreFence();
            }
        }

        Store512(ref d, 0, first);
        Store512(ref d, n - 32, last);
    }

    /// <summary>
    /// 0 for ordinary stores; otherwise the first element whose 64-byte line the loop can write with streaming
    /// stores. A destination far larger than the caches gains nothing from being read into them before it is
    /// overwritten (and then evicted), so big outputs bypass them; the skipped head is covered by the first
    /// vector, stored normally.
    /// </summary>
    private static unsafe nuint StreamingStart(byte* destination, nuint n)
    {
        nuint address = (nuint)destination;
        if (!Avx512F.IsSupported || n < StreamingElements || (address & 1) != 0)
        {
            return 0;
        }

        nuint head = ((64 - (address & 63)) & 63) / 2;
        return head == 0 ? 32 : head;
    }

    /// <summary>Pairs of normal halves (nearly all of them) take the shorter widening by one multiply.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Step512<TOp>(Vector512<uint> x, Vector512<uint> y, TOp op)
        where TOp : struct, IBinaryOperator =>
        HalfPairs.AnyNotNormal(x, y) ? Step(x, y, op) : StepFinite(x, y, op);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Step512<TOp>(Vector512<uint> x, Vector512<uint> y, Vector512<uint> z, TOp op)
        where TOp : struct, ITernaryOperator =>
        HalfPairs.AnyNotNormal(x, y, z) ? Step(x, y, z, op) : StepFinite(x, y, z, op);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Step<TOp>(Vector512<uint> x, Vector512<uint> y, TOp op)
        where TOp : struct, IBinaryOperator =>
        HalfPairs.Narrow(
            op.Invoke(HalfPairs.WidenEven(x), HalfPairs.WidenEven(y)),
            op.Invoke(HalfPairs.WidenOdd(x), HalfPairs.WidenOdd(y)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Step<TOp>(Vector512<uint> x, Vector512<uint> y, Vector512<uint> z, TOp op)
        where TOp : struct, ITernaryOperator =>
        HalfPairs.Narrow(
            op.Invoke(HalfPairs.WidenEven(x), HalfPairs.WidenEven(y), HalfPairs.WidenEven(z)),
            op.Invoke(HalfPairs.WidenOdd(x), HalfPairs.WidenOdd(y), HalfPairs.WidenOdd(z)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> StepFinite<TOp>(Vector512<uint> x, Vector512<uint> y, TOp op)
        where TOp : struct, IBinaryOperator =>
        HalfPairs.Narrow(
            op.Invoke(HalfPairs.WidenEvenFinite(x), HalfPairs.WidenEvenFinite(y)),
            op.Invoke(HalfPairs.WidenOddFinite(x), HalfPairs.WidenOddFinite(y)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> StepFinite<TOp>(Vector512<uint> x, Vector512<uint> y, Vector512<uint> z, TOp op)
        where TOp : struct, ITernaryOperator =>
        HalfPairs.Narrow(
            op.Invoke(HalfPairs.WidenEvenFinite(x), HalfPairs.WidenEvenFinite(y), HalfPairs.WidenEvenFinite(z)),
            op.Invoke(HalfPairs.WidenOddFinite(x), HalfPairs.WidenOddFinite(y), HalfPairs.WidenOddFinite(z)));

    /// <summary>32 halves starting at element <paramref name="element"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Load512(ref byte source, nuint element) => Unsafe.ReadUnaligned<Vector512<uint>>(ref Unsafe.Add(ref source, element * 2));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(ref byte destination, nuint element, Vector512<uint> pairs) => Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, element * 2), pairs);

    // ---------------- Vector256 ----------------
    // With 16 vector registers the constants of the exact paths would crowd out those of the common one, and any
    // call inside a loop makes the JIT keep them all on the stack. So the loop that runs nearly every vector lives
    // in its own method, holds only the common path, and returns at the first vector that needs the exact one.

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Run256<TOp>(ref byte x, ref byte y, ref byte d, nuint n, TOp op)
        where TOp : struct, IBinaryOperator
    {
        // The first and last pairs are computed before anything is stored, so an in-place destination still
        // holds the original values where they overlap the main loop.
        Vector256<uint> first = Step(Load256(ref x, 0), Load256(ref y, 0), op);
        Vector256<uint> last = Step(Load256(ref x, n - 16), Load256(ref y, n - 16), op);
        fixed (byte* destination = &d)
        {
            nuint i = StreamingStart256(destination, n);
            if (i == 0)
            {
                while ((i = CommonRun256<TOp, OrdinaryStore>(ref x, ref y, ref d, i, n, op)) + 16 <= n)
                {
                    OrdinaryStore.Store(ref d, i, Step(Load256(ref x, i), Load256(ref y, i), op));
                    i += 16;
                }
            }
            else
            {
                while ((i = CommonRun256<TOp, StreamingStore>(ref x, ref y, ref d, i, n, op)) + 16 <= n)
                {
                    StreamingStore.Store(ref d, i, Step(Load256(ref x, i), Load256(ref y, i), op));
                    i += 16;
                }

                Sse.StoreFence();
            }
        }

        Store256(ref d, 0, first);
        Store256(ref d, n - 16, last);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Run256<TOp>(ref byte x, ref byte y, ref byte z, ref byte d, nuint n, TOp op)
        where TOp : struct, ITernaryOperator
    {
        Vector256<uint> first = Step(Load256(ref x, 0), Load256(ref y, 0), Load256(ref z, 0), op);
        Vector256<uint> last = Step(Load256(ref x, n - 16), Load256(ref y, n - 16), Load256(ref z, n - 16), op);
        fixed (byte* destination = &d)
        {
            nuint i = StreamingStart256(destination, n);
            if (i == 0)
            {
                while ((i = CommonRun256<TOp, OrdinaryStore>(ref x, ref y, ref z, ref d, i, n, op)) + 16 <= n)
                {
                    OrdinaryStore.Store(ref d, i, Step(Load256(ref x, i), Load256(ref y, i), Load256(ref z, i), op));
                    i += 16;
                }
            }
            else
            {
                while ((i = CommonRun256<TOp, StreamingStore>(ref x, ref y, ref z, ref d, i, n, op)) + 16 <= n)
                {
                    StreamingStore.Store(ref d, i, Step(Load256(ref x, i), Load256(ref y, i), Load256(ref z, i), op));
                    i += 16;
                }

                Sse.StoreFence();
            }
        }

        Store256(ref d, 0, first);
        Store256(ref d, n - 16, last);
    }

    /// <summary>
    /// Vectors from element <paramref name="i"/> on while every input half is normal and every result rounds to a
    /// normal half (the multiply widening and integer rounding are exact there); returns the first element not done.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static nuint CommonRun256<TOp, TStore>(ref byte x, ref byte y, ref byte d, nuint i, nuint n, TOp op)
        where TOp : struct, IBinaryOperator
        where TStore : struct, IPairStore
    {
        for (; i + 16 <= n; i += 16)
        {
            Vector256<uint> xs = Load256(ref x, i);
            Vector256<uint> ys = Load256(ref y, i);
            if (HalfPairs.AnyNotNormal(xs, ys))
            {
                break;
            }

            Vector256<float> even = op.Invoke(HalfPairs.WidenEvenFinite(xs), HalfPairs.WidenEvenFinite(ys));
            Vector256<float> odd = op.Invoke(HalfPairs.WidenOddFinite(xs), HalfPairs.WidenOddFinite(ys));
            if (!HalfPairs.InNormalRange(even, odd))
            {
                break;
            }

            TStore.Store(ref d, i, HalfPairs.NarrowNormal(even, odd));
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static nuint CommonRun256<TOp, TStore>(ref byte x, ref byte y, ref byte z, ref byte d, nuint i, nuint n, TOp op)
        where TOp : struct, ITernaryOperator
        where TStore : struct, IPairStore
    {
        for (; i + 16 <= n; i += 16)
        {
            Vector256<uint> xs = Load256(ref x, i);
            Vector256<uint> ys = Load256(ref y, i);
            Vector256<uint> zs = Load256(ref z, i);
            if (HalfPairs.AnyNotNormal(xs, ys, zs))
            {
                break;
            }

            Vector256<float> even = op.Invoke(HalfPairs.WidenEvenFinite(xs), HalfPairs.WidenEvenFinite(ys), HalfPairs.WidenEvenFinite(zs));
            Vector256<float> odd = op.Invoke(HalfPairs.WidenOddFinite(xs), HalfPairs.WidenOddFinite(ys), HalfPairs.WidenOddFinite(zs));
            if (!HalfPairs.InNormalRange(even, odd))
            {
                break;
            }

            TStore.Store(ref d, i, HalfPairs.NarrowNormal(even, odd));
        }

        return i;
    }

    /// <summary>
    /// <see cref="StreamingStart"/> for 32-byte vectors: the first element on a 32-byte boundary (the head before
    /// it, at most 15 halves, lies inside the first vector, stored normally), or 0 for ordinary stores.
    /// </summary>
    private static unsafe nuint StreamingStart256(byte* destination, nuint n)
    {
        nuint address = (nuint)destination;
        if (!Avx.IsSupported || n < StreamingElements || (address & 1) != 0)
        {
            return 0;
        }

        nuint head = ((32 - (address & 31)) & 31) / 2;
        return head == 0 ? 16 : head;
    }

    /// <summary>How the 256-bit loops store a vector of pairs at element <c>i</c>.</summary>
    private interface IPairStore
    {
        static abstract void Store(ref byte destination, nuint element, Vector256<uint> pairs);
    }

    private readonly struct OrdinaryStore : IPairStore
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(ref byte destination, nuint element, Vector256<uint> pairs) => Store256(ref destination, element, pairs);
    }

    /// <summary>Non-temporal; the destination is pinned and the element 32-byte aligned (<see cref="StreamingStart256"/>).</summary>
    private readonly struct StreamingStore : IPairStore
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static unsafe void Store(ref byte destination, nuint element, Vector256<uint> pairs) =>
            Avx.StoreAlignedNonTemporal((uint*)Unsafe.AsPointer(ref Unsafe.Add(ref destination, element * 2)), pairs);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Step<TOp>(Vector256<uint> x, Vector256<uint> y, TOp op)
        where TOp : struct, IBinaryOperator =>
        HalfPairs.Narrow(
            op.Invoke(HalfPairs.WidenEven(x), HalfPairs.WidenEven(y)),
            op.Invoke(HalfPairs.WidenOdd(x), HalfPairs.WidenOdd(y)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Step<TOp>(Vector256<uint> x, Vector256<uint> y, Vector256<uint> z, TOp op)
        where TOp : struct, ITernaryOperator =>
        HalfPairs.Narrow(
            op.Invoke(HalfPairs.WidenEven(x), HalfPairs.WidenEven(y), HalfPairs.WidenEven(z)),
            op.Invoke(HalfPairs.WidenOdd(x), HalfPairs.WidenOdd(y), HalfPairs.WidenOdd(z)));

    /// <summary>16 halves starting at element <paramref name="element"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Load256(ref byte source, nuint element) => Unsafe.ReadUnaligned<Vector256<uint>>(ref Unsafe.Add(ref source, element * 2));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256(ref byte destination, nuint element, Vector256<uint> pairs) => Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, element * 2), pairs);

    // ---------------- Vector128 ----------------

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run128<TOp>(ref byte x, ref byte y, ref byte d, nuint n, TOp op)
        where TOp : struct, IBinaryOperator
    {
        // The last pairs are computed before anything is stored, so an in-place destination still holds the
        // original values where the tail overlaps the main loop.
        Vector128<uint> last = Step(Load128(ref x, n - 8), Load128(ref y, n - 8), op);
        for (nuint i = 0; i + 8 <= n; i += 8)
        {
            Store128(ref d, i, Step(Load128(ref x, i), Load128(ref y, i), op));
        }

        Store128(ref d, n - 8, last);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run128<TOp>(ref byte x, ref byte y, ref byte z, ref byte d, nuint n, TOp op)
        where TOp : struct, ITernaryOperator
    {
        Vector128<uint> last = Step(Load128(ref x, n - 8), Load128(ref y, n - 8), Load128(ref z, n - 8), op);
        for (nuint i = 0; i + 8 <= n; i += 8)
        {
            Store128(ref d, i, Step(Load128(ref x, i), Load128(ref y, i), Load128(ref z, i), op));
        }

        Store128(ref d, n - 8, last);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> Step<TOp>(Vector128<uint> x, Vector128<uint> y, TOp op)
        where TOp : struct, IBinaryOperator =>
        HalfPairs.Narrow(
            op.Invoke(HalfPairs.WidenEven(x), HalfPairs.WidenEven(y)),
            op.Invoke(HalfPairs.WidenOdd(x), HalfPairs.WidenOdd(y)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> Step<TOp>(Vector128<uint> x, Vector128<uint> y, Vector128<uint> z, TOp op)
        where TOp : struct, ITernaryOperator =>
        HalfPairs.Narrow(
            op.Invoke(HalfPairs.WidenEven(x), HalfPairs.WidenEven(y), HalfPairs.WidenEven(z)),
            op.Invoke(HalfPairs.WidenOdd(x), HalfPairs.WidenOdd(y), HalfPairs.WidenOdd(z)));

    /// <summary>8 halves starting at element <paramref name="element"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> Load128(ref byte source, nuint element) => Unsafe.ReadUnaligned<Vector128<uint>>(ref Unsafe.Add(ref source, element * 2));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store128(ref byte destination, nuint element, Vector128<uint> pairs) => Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, element * 2), pairs);
}
