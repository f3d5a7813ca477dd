using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Fast.Kernels.Conversion;

/// <summary>
/// The conversion loops: widest accelerated width, the tail done by one overlapping vector (source and
/// destination never overlap here, so recomputing a few elements is harmless), scalar below one vector.
/// Both loops are optimised from their first call: the cosine passes call them per cache-sized block with both cores
/// busy, which starved the tiering JIT, and their tier-0 copies (helpers not inlined) ran for much of a full-size merge.
/// </summary>
internal static class ConvertLoop
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Widen<TCodec>(ReadOnlySpan<byte> source, Span<float> destination)
        where TCodec : IElementCodec
    {
        ref byte s = ref MemoryMarshal.GetReference(source);
        ref float d = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)destination.Length;
        nuint size = (nuint)TCodec.Size;
        nuint i = 0;
        if (TCodec.IsVectorized)
        {
            if (Vector512.IsHardwareAccelerated && n >= 16)
            {
                for (; i <= n - 16; i += 16)
                {
                    TCodec.Load512(ref Unsafe.Add(ref s, i * size)).StoreUnsafe(ref d, i);
                }

                if (i != n)
                {
                    TCodec.Load512(ref Unsafe.Add(ref s, (n - 16) * size)).StoreUnsafe(ref d, n - 16);
                }

                return;
            }

            if (Vector256.IsHardwareAccelerated && n >= 8)
            {
                for (; i <= n - 8; i += 8)
                {
                    TCodec.Load256(ref Unsafe.Add(ref s, i * size)).StoreUnsafe(ref d, i);
                }

                if (i != n)
                {
                    TCodec.Load256(ref Unsafe.Add(ref s, (n - 8) * size)).StoreUnsafe(ref d, n - 8);
                }

                return;
            }

            if (Vector128.IsHardwareAccelerated && n >= 4)
            {
                for (; i <= n - 4; i += 4)
                {
                    TCodec.Load128(ref Unsafe.Add(ref s, i * size)).StoreUnsafe(ref d, i);
                }

                if (i != n)
                {
                    TCodec.Load128(ref Unsafe.Add(ref s, (n - 4) * size)).StoreUnsafe(ref d, n - 4);
                }

                return;
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) = TCodec.Load(ref Unsafe.Add(ref s, i * size));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Narrow<TCodec>(ReadOnlySpan<float> source, Span<byte> destination)
        where TCodec : IElementCodec
    {
        ref float s = ref MemoryMarshal.GetReference(source);
        ref byte d = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)source.Length;
        nuint size = (nuint)TCodec.Size;
        nuint i = 0;
        if (TCodec.IsVectorized)
        {
            if (Vector512.IsHardwareAccelerated && n >= 16)
            {
                for (; i <= n - 16; i += 16)
                {
                    TCodec.Store512(ref Unsafe.Add(ref d, i * size), Vector512.LoadUnsafe(ref s, i));
                }

                if (i != n)
                {
                    TCodec.Store512(ref Unsafe.Add(ref d, (n - 16) * size), Vector512.LoadUnsafe(ref s, n - 16));
                }

                return;
            }

            if (Vector256.IsHardwareAccelerated && n >= 8)
            {
                for (; i <= n - 8; i += 8)
                {
                    TCodec.Store256(ref Unsafe.Add(ref d, i * size), Vector256.LoadUnsafe(ref s, i));
                }

                if (i != n)
                {
                    TCodec.Store256(ref Unsafe.Add(ref d, (n - 8) * size), Vector256.LoadUnsafe(ref s, n - 8));
                }

                return;
            }

            if (Vector128.IsHardwareAccelerated && n >= 4)
            {
                for (; i <= n - 4; i += 4)
                {
                    TCodec.Store128(ref Unsafe.Add(ref d, i * size), Vector128.LoadUnsafe(ref s, i));
                }

                if (i != n)
                {
                    TCodec.Store128(ref Unsafe.Add(ref d, (n - 4) * size), Vector128.LoadUnsafe(ref s, n - 4));
                }

                return;
            }
        }

        for (; i < n; i++)
        {
            TCodec.Store(ref Unsafe.Add(ref d, i * size), Unsafe.Add(ref s, i));
        }
    }
}
