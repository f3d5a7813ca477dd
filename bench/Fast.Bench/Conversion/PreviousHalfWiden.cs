using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Fast.Bench.Conversion;

/// <summary>
/// The binary16 → binary32 lane conversion and load as they were before the widen rework (HalfLanes.F16ToSingle with
/// two compares, three adds and a float select; LaneLoad's WidenLower load), kept verbatim as the baseline of
/// <see cref="WidenMicro"/>: old and new timed in one process, interleaved.
/// </summary>
internal static class PreviousHalfWiden
{
    private const float MinNormalF16 = 1.0f / 16384.0f; // 2^-14

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Widen512(ReadOnlySpan<byte> source, Span<float> destination)
    {
        ref byte s = ref MemoryMarshal.GetReference(source);
        ref float d = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)destination.Length;
        for (nuint i = 0; i + 16 <= n; i += 16)
        {
            F16ToSingle(Vector512.WidenLower(Unsafe.ReadUnaligned<Vector256<ushort>>(ref Unsafe.Add(ref s, i * 2)).ToVector512Unsafe())).StoreUnsafe(ref d, i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Widen256(ReadOnlySpan<byte> source, Span<float> destination)
    {
        ref byte s = ref MemoryMarshal.GetReference(source);
        ref float d = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)destination.Length;
        for (nuint i = 0; i + 8 <= n; i += 8)
        {
            F16ToSingle(Vector256.WidenLower(Unsafe.ReadUnaligned<Vector128<ushort>>(ref Unsafe.Add(ref s, i * 2)).ToVector256Unsafe())).StoreUnsafe(ref d, i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> F16ToSingle(Vector512<uint> h)
    {
        Vector512<uint> bits = h & Vector512.Create(0x7FFFu);
        Vector512<uint> sign = (h & Vector512.Create(0x8000u)) << 16;
        Vector512<uint> infOrNaN = Vector512.GreaterThanOrEqual(bits.AsInt32(), Vector512.Create(0x7C00)).AsUInt32();
        Vector512<uint> subnormal = Vector512.LessThan(bits.AsInt32(), Vector512.Create(0x0400)).AsUInt32();
        Vector512<uint> t = (bits << 13) + Vector512.Create(0x3800_0000u);
        t += infOrNaN & Vector512.Create(0x3800_0000u);
        t += subnormal & Vector512.Create(0x0080_0000u);
        Vector512<float> f = t.AsSingle();
        f = Vector512.ConditionalSelect(subnormal.AsSingle(), f - Vector512.Create(MinNormalF16), f);
        return (f.AsUInt32() | sign).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> F16ToSingle(Vector256<uint> h)
    {
        Vector256<uint> bits = h & Vector256.Create(0x7FFFu);
        Vector256<uint> sign = (h & Vector256.Create(0x8000u)) << 16;
        Vector256<uint> infOrNaN = Vector256.GreaterThanOrEqual(bits.AsInt32(), Vector256.Create(0x7C00)).AsUInt32();
        Vector256<uint> subnormal = Vector256.LessThan(bits.AsInt32(), Vector256.Create(0x0400)).AsUInt32();
        Vector256<uint> t = (bits << 13) + Vector256.Create(0x3800_0000u);
        t += infOrNaN & Vector256.Create(0x3800_0000u);
        t += subnormal & Vector256.Create(0x0080_0000u);
        Vector256<float> f = t.AsSingle();
        f = Vector256.ConditionalSelect(subnormal.AsSingle(), f - Vector256.Create(MinNormalF16), f);
        return (f.AsUInt32() | sign).AsSingle();
    }
}
