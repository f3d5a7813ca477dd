using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Fast.Kernels.Conversion;

namespace Fast.Kernels.Simd;

/// <summary>
/// The single-pass driver for the common case where every input and the destination share one vectorised
/// format (BF16, F32; binary16 has its own <see cref="HalfPairDriver"/>): load-widen, operate and narrow-store
/// in registers, no buffers. Same width choice and in-place-safe overlapping tail as
/// <see cref="ElementwiseDriver"/>, so results are identical to the blocked path of <see cref="StoredDriver"/>.
/// </summary>
internal static class FusedDriver
{
    /// <summary>Inputs and destination all in <typeparamref name="TCodec"/>'s format; lengths and overlap already checked.</summary>
    public static void Run<TCodec, TOp>(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y, Span<byte> destination, int count, TOp op)
        where TCodec : IElementCodec
        where TOp : struct, IBinaryOperator
    {
        ref byte xr = ref MemoryMarshal.GetReference(x);
        ref byte yr = ref MemoryMarshal.GetReference(y);
        ref byte dr = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)count;
        nuint size = (nuint)TCodec.Size;

        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            Vector512<float> last = op.Invoke(TCodec.Load512(ref Unsafe.Add(ref xr, (n - 16) * size)), TCodec.Load512(ref Unsafe.Add(ref yr, (n - 16) * size)));
            nuint i = 0;
            for (; i + 32 <= n; i += 32)
            {
                Vector512<float> r0 = op.Invoke(TCodec.Load512(ref Unsafe.Add(ref xr, (i) * size)), TCodec.Load512(ref Unsafe.Add(ref yr, (i) * size)));
                Vector512<float> r1 = op.Invoke(TCodec.Load512(ref Unsafe.Add(ref xr, (i + 16) * size)), TCodec.Load512(ref Unsafe.Add(ref yr, (i + 16) * size)));
                TCodec.Store512(ref Unsafe.Add(ref dr, (i) * size), r0);
                TCodec.Store512(ref Unsafe.Add(ref dr, (i + 16) * size), r1);
            }

            for (; i + 16 <= n; i += 16)
            {
                TCodec.Store512(ref Unsafe.Add(ref dr, (i) * size), op.Invoke(TCodec.Load512(ref Unsafe.Add(ref xr, (i) * size)), TCodec.Load512(ref Unsafe.Add(ref yr, (i) * size))));
            }

            TCodec.Store512(ref Unsafe.Add(ref dr, (n - 16) * size), last);
            return;
        }

        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            Vector256<float> last = op.Invoke(TCodec.Load256(ref Unsafe.Add(ref xr, (n - 8) * size)), TCodec.Load256(ref Unsafe.Add(ref yr, (n - 8) * size)));
            nuint i = 0;
            for (; i + 16 <= n; i += 16)
            {
                Vector256<float> r0 = op.Invoke(TCodec.Load256(ref Unsafe.Add(ref xr, (i) * size)), TCodec.Load256(ref Unsafe.Add(ref yr, (i) * size)));
                Vector256<float> r1 = op.Invoke(TCodec.Load256(ref Unsafe.Add(ref xr, (i + 8) * size)), TCodec.Load256(ref Unsafe.Add(ref yr, (i + 8) * size)));
                TCodec.Store256(ref Unsafe.Add(ref dr, (i) * size), r0);
                TCodec.Store256(ref Unsafe.Add(ref dr, (i + 8) * size), r1);
            }

            for (; i + 8 <= n; i += 8)
            {
                TCodec.Store256(ref Unsafe.Add(ref dr, (i) * size), op.Invoke(TCodec.Load256(ref Unsafe.Add(ref xr, (i) * size)), TCodec.Load256(ref Unsafe.Add(ref yr, (i) * size))));
            }

            TCodec.Store256(ref Unsafe.Add(ref dr, (n - 8) * size), last);
            return;
        }

        if (Vector128.IsHardwareAccelerated && n >= 4)
        {
            Vector128<float> last = op.Invoke(TCodec.Load128(ref Unsafe.Add(ref xr, (n - 4) * size)), TCodec.Load128(ref Unsafe.Add(ref yr, (n - 4) * size)));
            nuint i = 0;
            for (; i + 8 <= n; i += 8)
            {
                Vector128<float> r0 = op.Invoke(TCodec.Load128(ref Unsafe.Add(ref xr, (i) * size)), TCodec.Load128(ref Unsafe.Add(ref yr, (i) * size)));
                Vector128<float> r1 = op.Invoke(TCodec.Load128(ref Unsafe.Add(ref xr, (i + 4) * size)), TCodec.Load128(ref Unsafe.Add(ref yr, (i + 4) * size)));
                TCodec.Store128(ref Unsafe.Add(ref dr, (i) * size), r0);
                TCodec.Store128(ref Unsafe.Add(ref dr, (i + 4) * size), r1);
            }

            for (; i + 4 <= n; i += 4)
            {
                TCodec.Store128(ref Unsafe.Add(ref dr, (i) * size), op.Invoke(TCodec.Load128(ref Unsafe.Add(ref xr, (i) * size)), TCodec.Load128(ref Unsafe.Add(ref yr, (i) * size))));
            }

            TCodec.Store128(ref Unsafe.Add(ref dr, (n - 4) * size), last);
            return;
        }

        for (nuint j = 0; j < n; j++)
        {
            TCodec.Store(ref Unsafe.Add(ref dr, j * size), op.Invoke(TCodec.Load(ref Unsafe.Add(ref xr, j * size)), TCodec.Load(ref Unsafe.Add(ref yr, j * size))));
        }
    }

    /// <summary>Inputs and destination all in <typeparamref name="TCodec"/>'s format; lengths and overlap already checked.</summary>
    public static void Run<TCodec, TOp>(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y, ReadOnlySpan<byte> z, Span<byte> destination, int count, TOp op)
        where TCodec : IElementCodec
        where TOp : struct, ITernaryOperator
    {
        ref byte xr = ref MemoryMarshal.GetReference(x);
        ref byte yr = ref MemoryMarshal.GetReference(y);
        ref byte zr = ref MemoryMarshal.GetReference(z);
        ref byte dr = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)count;
        nuint size = (nuint)TCodec.Size;

        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            Vector512<float> last = op.Invoke(TCodec.Load512(ref Unsafe.Add(ref xr, (n - 16) * size)), TCodec.Load512(ref Unsafe.Add(ref yr, (n - 16) * size)), TCodec.Load512(ref Unsafe.Add(ref zr, (n - 16) * size)));
            nuint i = 0;
            for (; i + 32 <= n; i += 32)
            {
                Vector512<float> r0 = op.Invoke(TCodec.Load512(ref Unsafe.Add(ref xr, (i) * size)), TCodec.Load512(ref Unsafe.Add(ref yr, (i) * size)), TCodec.Load512(ref Unsafe.Add(ref zr, (i) * size)));
                Vector512<float> r1 = op.Invoke(TCodec.Load512(ref Unsafe.Add(ref xr, (i + 16) * size)), TCodec.Load512(ref Unsafe.Add(ref yr, (i + 16) * size)), TCodec.Load512(ref Unsafe.Add(ref zr, (i + 16) * size)));
                TCodec.Store512(ref Unsafe.Add(ref dr, (i) * size), r0);
                TCodec.Store512(ref Unsafe.Add(ref dr, (i + 16) * size), r1);
            }

            for (; i + 16 <= n; i += 16)
            {
                TCodec.Store512(ref Unsafe.Add(ref dr, (i) * size), op.Invoke(TCodec.Load512(ref Unsafe.Add(ref xr, (i) * size)), TCodec.Load512(ref Unsafe.Add(ref yr, (i) * size)), TCodec.Load512(ref Unsafe.Add(ref zr, (i) * size))));
            }

            TCodec.Store512(ref Unsafe.Add(ref dr, (n - 16) * size), last);
            return;
        }

        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            Vector256<float> last = op.Invoke(TCodec.Load256(ref Unsafe.Add(ref xr, (n - 8) * size)), TCodec.Load256(ref Unsafe.Add(ref yr, (n - 8) * size)), TCodec.Load256(ref Unsafe.Add(ref zr, (n - 8) * size)));
            nuint i = 0;
            for (; i + 16 <= n; i += 16)
            {
                Vector256<float> r0 = op.Invoke(TCodec.Load256(ref Unsafe.Add(ref xr, (i) * size)), TCodec.Load256(ref Unsafe.Add(ref yr, (i) * size)), TCodec.Load256(ref Unsafe.Add(ref zr, (i) * size)));
                Vector256<float> r1 = op.Invoke(TCodec.Load256(ref Unsafe.Add(ref xr, (i + 8) * size)), TCodec.Load256(ref Unsafe.Add(ref yr, (i + 8) * size)), TCodec.Load256(ref Unsafe.Add(ref zr, (i + 8) * size)));
                TCodec.Store256(ref Unsafe.Add(ref dr, (i) * size), r0);
                TCodec.Store256(ref Unsafe.Add(ref dr, (i + 8) * size), r1);
            }

            for (; i + 8 <= n; i += 8)
            {
                TCodec.Store256(ref Unsafe.Add(ref dr, (i) * size), op.Invoke(TCodec.Load256(ref Unsafe.Add(ref xr, (i) * size)), TCodec.Load256(ref Unsafe.Add(ref yr, (i) * size)), TCodec.Load256(ref Unsafe.Add(ref zr, (i) * size))));
            }

            TCodec.Store256(ref Unsafe.Add(ref dr, (n - 8) * size), last);
            return;
        }

        if (Vector128.IsHardwareAccelerated && n >= 4)
        {
            Vector128<float> last = op.Invoke(TCodec.Load128(ref Unsafe.Add(ref xr, (n - 4) * size)), TCodec.Load128(ref Unsafe.Add(ref yr, (n - 4) * size)), TCodec.Load128(ref Unsafe.Add(ref zr, (n - 4) * size)));
            nuint i = 0;
            for (; i + 8 <= n; i += 8)
            {
                Vector128<float> r0 = op.Invoke(TCodec.Load128(ref Unsafe.Add(ref xr, (i) * size)), TCodec.Load128(ref Unsafe.Add(ref yr, (i) * size)), TCodec.Load128(ref Unsafe.Add(ref zr, (i) * size)));
                Vector128<float> r1 = op.Invoke(TCodec.Load128(ref Unsafe.Add(ref xr, (i + 4) * size)), TCodec.Load128(ref Unsafe.Add(ref yr, (i + 4) * size)), TCodec.Load128(ref Unsafe.Add(ref zr, (i + 4) * size)));
                TCodec.Store128(ref Unsafe.Add(ref dr, (i) * size), r0);
                TCodec.Store128(ref Unsafe.Add(ref dr, (i + 4) * size), r1);
            }

            for (; i + 4 <= n; i += 4)
            {
                TCodec.Store128(ref Unsafe.Add(ref dr, (i) * size), op.Invoke(TCodec.Load128(ref Unsafe.Add(ref xr, (i) * size)), TCodec.Load128(ref Unsafe.Add(ref yr, (i) * size)), TCodec.Load128(ref Unsafe.Add(ref zr, (i) * size))));
            }

            TCodec.Store128(ref Unsafe.Add(ref dr, (n - 4) * size), last);
            return;
        }

        for (nuint j = 0; j < n; j++)
        {
            TCodec.Store(ref Unsafe.Add(ref dr, j * size), op.Invoke(TCodec.Load(ref Unsafe.Add(ref xr, j * size)), TCodec.Load(ref Unsafe.Add(ref yr, j * size)), TCodec.Load(ref Unsafe.Add(ref zr, j * size))));
        }
    }
}
