using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Fast.Bench.Conversion;

/// <summary>
/// The binary16 ↔ binary32 lane conversions, load and store as they were before the widen rework (HalfLanes.F16ToSingle
/// with two compares, three adds and a float select; SingleToF16 with three compares and selects; LaneLoad's WidenLower
/// load and Narrow(x, x).GetLower() store), kept verbatim as the baseline of <see cref="WidenMicro"/>: old and new
/// timed in one process, interleaved.
/// </summary>
internal static class PreviousHalfLanes
{
    private const float MinNormalF16 = 1.0f / 16384.0f; // 2^-14
    private const uint SubnormalMagicF16 = (127u - 1) << 23;

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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Narrow512(ReadOnlySpan<float> source, Span<byte> destination)
    {
        ref float s = ref MemoryMarshal.GetReference(source);
        ref byte d = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)source.Length;
        for (nuint i = 0; i + 16 <= n; i += 16)
        {
            Vector512<uint> lanes = SingleToF16(Vector512.LoadUnsafe(ref s, i));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, i * 2), Vector512.Narrow(lanes, lanes).GetLower());
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Narrow256(ReadOnlySpan<float> source, Span<byte> destination)
    {
        ref float s = ref MemoryMarshal.GetReference(source);
        ref byte d = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)source.Length;
        for (nuint i = 0; i + 8 <= n; i += 8)
        {
            Vector256<uint> lanes = SingleToF16(Vector256.LoadUnsafe(ref s, i));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, i * 2), Vector256.Narrow(lanes, lanes).GetLower());
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> SingleToF16(Vector512<float> value)
    {
        Vector512<uint> u = value.AsUInt32();
        Vector512<uint> sign = (u >> 16) & Vector512.Create(0x8000u);
        Vector512<uint> a = u & Vector512.Create(0x7FFF_FFFFu);
        Vector512<int> ai = a.AsInt32();
        Vector512<uint> normal = (a - Vector512.Create(0x3800_0000u - 0x0FFFu) + ((a >> 13) & Vector512.Create(1u))) >> 13;
        Vector512<float> magic = Vector512.Create(SubnormalMagicF16).AsSingle();
        Vector512<uint> subnormal = (a.AsSingle() + magic).AsUInt32() - magic.AsUInt32();
        Vector512<uint> nan = Vector512.Create(0x7E00u) | ((a >> 13) & Vector512.Create(0x3FFu));
        Vector512<uint> r = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(ai, Vector512.Create(0x3880_0000)).AsUInt32(), normal, subnormal);
        r = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(ai, Vector512.Create(0x477F_F000)).AsUInt32(), Vector512.Create(0x7C00u), r);
        r = Vector512.ConditionalSelect(Vector512.GreaterThan(ai, Vector512.Create(0x7F80_0000)).AsUInt32(), nan, r);
        return r | sign;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> SingleToF16(Vector256<float> value)
    {
        Vector256<uint> u = value.AsUInt32();
        Vector256<uint> sign = (u >> 16) & Vector256.Create(0x8000u);
        Vector256<uint> a = u & Vector256.Create(0x7FFF_FFFFu);
        Vector256<int> ai = a.AsInt32();
        Vector256<uint> normal = (a - Vector256.Create(0x3800_0000u - 0x0FFFu) + ((a >> 13) & Vector256.Create(1u))) >> 13;
        Vector256<float> magic = Vector256.Create(SubnormalMagicF16).AsSingle();
        Vector256<uint> subnormal = (a.AsSingle() + magic).AsUInt32() - magic.AsUInt32();
        Vector256<uint> nan = Vector256.Create(0x7E00u) | ((a >> 13) & Vector256.Create(0x3FFu));
        Vector256<uint> r = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(ai, Vector256.Create(0x3880_0000)).AsUInt32(), normal, subnormal);
        r = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(ai, Vector256.Create(0x477F_F000)).AsUInt32(), Vector256.Create(0x7C00u), r);
        r = Vector256.ConditionalSelect(Vector256.GreaterThan(ai, Vector256.Create(0x7F80_0000)).AsUInt32(), nan, r);
        return r | sign;
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
