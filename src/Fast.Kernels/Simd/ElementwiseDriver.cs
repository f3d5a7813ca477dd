using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Fast.Kernels.Simd;

/// <summary>
/// The one loop every elementwise binary32 kernel runs through: length and overlap checks, the widest
/// accelerated width for which the span holds a whole vector, 4× unrolled, the tail done by one overlapping
/// vector, scalar only for spans shorter than a 128-bit vector (or with no SIMD at all). The destination may be
/// exactly an input (in place) but not partially overlap one.
/// Both loops are optimised from their first call (as <see cref="HalfPairDriver"/>'s): kernels that call them once per
/// L1 block (the stored driver's mixed-dtype path, plus random's sum) otherwise ran their first thousands of blocks in
/// tier-0 code with every operator and rounding a call, a third of plus random's add on a loaded machine.
/// </summary>
internal static class ElementwiseDriver
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination, TOp op)
        where TOp : struct, IBinaryOperator
    {
        Guard.SameLength(x.Length, y.Length, nameof(y));
        Guard.SameLength(x.Length, destination.Length, nameof(destination));
        Guard.NoPartialOverlap(x, destination, sameFormat: true, nameof(x));
        Guard.NoPartialOverlap(y, destination, sameFormat: true, nameof(y));
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float dr = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)x.Length;

        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            // The last vector is computed before anything is stored, so a destination that is exactly one of
            // the inputs (in place) still sees original values in the overlapping tail.
            Vector512<float> last = op.Invoke(Vector512.LoadUnsafe(ref xr, n - 16), Vector512.LoadUnsafe(ref yr, n - 16));
            nuint i = 0;
            for (; i + 64 <= n; i += 64)
            {
                op.Invoke(Vector512.LoadUnsafe(ref xr, i), Vector512.LoadUnsafe(ref yr, i)).StoreUnsafe(ref dr, i);
                op.Invoke(Vector512.LoadUnsafe(ref xr, i + 16), Vector512.LoadUnsafe(ref yr, i + 16)).StoreUnsafe(ref dr, i + 16);
                op.Invoke(Vector512.LoadUnsafe(ref xr, i + 32), Vector512.LoadUnsafe(ref yr, i + 32)).StoreUnsafe(ref dr, i + 32);
                op.Invoke(Vector512.LoadUnsafe(ref xr, i + 48), Vector512.LoadUnsafe(ref yr, i + 48)).StoreUnsafe(ref dr, i + 48);
            }

            for (; i + 16 <= n; i += 16)
            {
                op.Invoke(Vector512.LoadUnsafe(ref xr, i), Vector512.LoadUnsafe(ref yr, i)).StoreUnsafe(ref dr, i);
            }

            last.StoreUnsafe(ref dr, n - 16);
            return;
        }

        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            // The last vector is computed before anything is stored, so a destination that is exactly one of
            // the inputs (in place) still sees original values in the overlapping tail.
            Vector256<float> last = op.Invoke(Vector256.LoadUnsafe(ref xr, n - 8), Vector256.LoadUnsafe(ref yr, n - 8));
            nuint i = 0;
            for (; i + 32 <= n; i += 32)
            {
                op.Invoke(Vector256.LoadUnsafe(ref xr, i), Vector256.LoadUnsafe(ref yr, i)).StoreUnsafe(ref dr, i);
                op.Invoke(Vector256.LoadUnsafe(ref xr, i + 8), Vector256.LoadUnsafe(ref yr, i + 8)).StoreUnsafe(ref dr, i + 8);
                op.Invoke(Vector256.LoadUnsafe(ref xr, i + 16), Vector256.LoadUnsafe(ref yr, i + 16)).StoreUnsafe(ref dr, i + 16);
                op.Invoke(Vector256.LoadUnsafe(ref xr, i + 24), Vector256.LoadUnsafe(ref yr, i + 24)).StoreUnsafe(ref dr, i + 24);
            }

            for (; i + 8 <= n; i += 8)
            {
                op.Invoke(Vector256.LoadUnsafe(ref xr, i), Vector256.LoadUnsafe(ref yr, i)).StoreUnsafe(ref dr, i);
            }

            last.StoreUnsafe(ref dr, n - 8);
            return;
        }

        if (Vector128.IsHardwareAccelerated && n >= 4)
        {
            // The last vector is computed before anything is stored, so a destination that is exactly one of
            // the inputs (in place) still sees original values in the overlapping tail.
            Vector128<float> last = op.Invoke(Vector128.LoadUnsafe(ref xr, n - 4), Vector128.LoadUnsafe(ref yr, n - 4));
            nuint i = 0;
            for (; i + 16 <= n; i += 16)
            {
                op.Invoke(Vector128.LoadUnsafe(ref xr, i), Vector128.LoadUnsafe(ref yr, i)).StoreUnsafe(ref dr, i);
                op.Invoke(Vector128.LoadUnsafe(ref xr, i + 4), Vector128.LoadUnsafe(ref yr, i + 4)).StoreUnsafe(ref dr, i + 4);
                op.Invoke(Vector128.LoadUnsafe(ref xr, i + 8), Vector128.LoadUnsafe(ref yr, i + 8)).StoreUnsafe(ref dr, i + 8);
                op.Invoke(Vector128.LoadUnsafe(ref xr, i + 12), Vector128.LoadUnsafe(ref yr, i + 12)).StoreUnsafe(ref dr, i + 12);
            }

            for (; i + 4 <= n; i += 4)
            {
                op.Invoke(Vector128.LoadUnsafe(ref xr, i), Vector128.LoadUnsafe(ref yr, i)).StoreUnsafe(ref dr, i);
            }

            last.StoreUnsafe(ref dr, n - 4);
            return;
        }

        for (nuint j = 0; j < n; j++)
        {
            Unsafe.Add(ref dr, j) = op.Invoke(Unsafe.Add(ref xr, j), Unsafe.Add(ref yr, j));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, Span<float> destination, TOp op)
        where TOp : struct, ITernaryOperator
    {
        Guard.SameLength(x.Length, y.Length, nameof(y));
        Guard.SameLength(x.Length, z.Length, nameof(z));
        Guard.SameLength(x.Length, destination.Length, nameof(destination));
        Guard.NoPartialOverlap(x, destination, sameFormat: true, nameof(x));
        Guard.NoPartialOverlap(y, destination, sameFormat: true, nameof(y));
        Guard.NoPartialOverlap(z, destination, sameFormat: true, nameof(z));
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float zr = ref MemoryMarshal.GetReference(z);
        ref float dr = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)x.Length;

        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            // The last vector is computed before anything is stored, so a destination that is exactly one of
            // the inputs (in place) still sees original values in the overlapping tail.
            Vector512<float> last = op.Invoke(Vector512.LoadUnsafe(ref xr, n - 16), Vector512.LoadUnsafe(ref yr, n - 16), Vector512.LoadUnsafe(ref zr, n - 16));
            nuint i = 0;
            for (; i + 64 <= n; i += 64)
            {
                op.Invoke(Vector512.LoadUnsafe(ref xr, i), Vector512.LoadUnsafe(ref yr, i), Vector512.LoadUnsafe(ref zr, i)).StoreUnsafe(ref dr, i);
                op.Invoke(Vector512.LoadUnsafe(ref xr, i + 16), Vector512.LoadUnsafe(ref yr, i + 16), Vector512.LoadUnsafe(ref zr, i + 16)).StoreUnsafe(ref dr, i + 16);
                op.Invoke(Vector512.LoadUnsafe(ref xr, i + 32), Vector512.LoadUnsafe(ref yr, i + 32), Vector512.LoadUnsafe(ref zr, i + 32)).StoreUnsafe(ref dr, i + 32);
                op.Invoke(Vector512.LoadUnsafe(ref xr, i + 48), Vector512.LoadUnsafe(ref yr, i + 48), Vector512.LoadUnsafe(ref zr, i + 48)).StoreUnsafe(ref dr, i + 48);
            }

            for (; i + 16 <= n; i += 16)
            {
                op.Invoke(Vector512.LoadUnsafe(ref xr, i), Vector512.LoadUnsafe(ref yr, i), Vector512.LoadUnsafe(ref zr, i)).StoreUnsafe(ref dr, i);
            }

            last.StoreUnsafe(ref dr, n - 16);
            return;
        }

        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            // The last vector is computed before anything is stored, so a destination that is exactly one of
            // the inputs (in place) still sees original values in the overlapping tail.
            Vector256<float> last = op.Invoke(Vector256.LoadUnsafe(ref xr, n - 8), Vector256.LoadUnsafe(ref yr, n - 8), Vector256.LoadUnsafe(ref zr, n - 8));
            nuint i = 0;
            for (; i + 32 <= n; i += 32)
            {
                op.Invoke(Vector256.LoadUnsafe(ref xr, i), Vector256.LoadUnsafe(ref yr, i), Vector256.LoadUnsafe(ref zr, i)).StoreUnsafe(ref dr, i);
                op.Invoke(Vector256.LoadUnsafe(ref xr, i + 8), Vector256.LoadUnsafe(ref yr, i + 8), Vector256.LoadUnsafe(ref zr, i + 8)).StoreUnsafe(ref dr, i + 8);
                op.Invoke(Vector256.LoadUnsafe(ref xr, i + 16), Vector256.LoadUnsafe(ref yr, i + 16), Vector256.LoadUnsafe(ref zr, i + 16)).StoreUnsafe(ref dr, i + 16);
                op.Invoke(Vector256.LoadUnsafe(ref xr, i + 24), Vector256.LoadUnsafe(ref yr, i + 24), Vector256.LoadUnsafe(ref zr, i + 24)).StoreUnsafe(ref dr, i + 24);
            }

            for (; i + 8 <= n; i += 8)
            {
                op.Invoke(Vector256.LoadUnsafe(ref xr, i), Vector256.LoadUnsafe(ref yr, i), Vector256.LoadUnsafe(ref zr, i)).StoreUnsafe(ref dr, i);
            }

            last.StoreUnsafe(ref dr, n - 8);
            return;
        }

        if (Vector128.IsHardwareAccelerated && n >= 4)
        {
            // The last vector is computed before anything is stored, so a destination that is exactly one of
            // the inputs (in place) still sees original values in the overlapping tail.
            Vector128<float> last = op.Invoke(Vector128.LoadUnsafe(ref xr, n - 4), Vector128.LoadUnsafe(ref yr, n - 4), Vector128.LoadUnsafe(ref zr, n - 4));
            nuint i = 0;
            for (; i + 16 <= n; i += 16)
            {
                op.Invoke(Vector128.LoadUnsafe(ref xr, i), Vector128.LoadUnsafe(ref yr, i), Vector128.LoadUnsafe(ref zr, i)).StoreUnsafe(ref dr, i);
                op.Invoke(Vector128.LoadUnsafe(ref xr, i + 4), Vector128.LoadUnsafe(ref yr, i + 4), Vector128.LoadUnsafe(ref zr, i + 4)).StoreUnsafe(ref dr, i + 4);
                op.Invoke(Vector128.LoadUnsafe(ref xr, i + 8), Vector128.LoadUnsafe(ref yr, i + 8), Vector128.LoadUnsafe(ref zr, i + 8)).StoreUnsafe(ref dr, i + 8);
                op.Invoke(Vector128.LoadUnsafe(ref xr, i + 12), Vector128.LoadUnsafe(ref yr, i + 12), Vector128.LoadUnsafe(ref zr, i + 12)).StoreUnsafe(ref dr, i + 12);
            }

            for (; i + 4 <= n; i += 4)
            {
                op.Invoke(Vector128.LoadUnsafe(ref xr, i), Vector128.LoadUnsafe(ref yr, i), Vector128.LoadUnsafe(ref zr, i)).StoreUnsafe(ref dr, i);
            }

            last.StoreUnsafe(ref dr, n - 4);
            return;
        }

        for (nuint j = 0; j < n; j++)
        {
            Unsafe.Add(ref dr, j) = op.Invoke(Unsafe.Add(ref xr, j), Unsafe.Add(ref yr, j), Unsafe.Add(ref zr, j));
        }
    }
}
