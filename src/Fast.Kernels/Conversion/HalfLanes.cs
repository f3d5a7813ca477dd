using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Fast.Kernels.Conversion;

/// <summary>
/// binary16 and bfloat16 lane conversions on 32-bit lanes (the 16-bit pattern zero-extended), the same bit
/// manipulation as <see cref="ScalarConvert"/> written with vector compares and selects, so every lane gives
/// exactly the scalar result. .NET exposes no F16C/AVX512-FP16 conversion intrinsics, hence integer code.
/// </summary>
internal static class HalfLanes
{
    private const float MinNormalF16 = 1.0f / 16384.0f; // 2^-14

    // F16ToSingle, per lane (11 vector operations at 512 bits as the JIT emits them, where the old form took 16; the two
    // selects become masked vpord/vsubps and the sign merge one vpternlogd):
    // - normal: the 15 exponent/mantissa bits moved up 13 and rebiased from 15 to 127 by an integer add;
    // - inf/NaN (exponent 31): the rebiased exponent (143) OR-ed up to 255 — integer only, so every NaN payload and
    //   signalling NaN comes out bit for bit (a float operation would quiet it);
    // - zero/subnormal (exponent 0): the mantissa m under the exponent of 2^-14 is 2^-14·(1 + m/1024); subtracting
    //   2^-14 leaves m·2^-24 exactly. Operands and result are normal binary32 numbers (or +0), so no lane ever meets a
    //   denormal (no microcode assist, no dependence on DAZ/FTZ); in the other lanes that subtraction is computed and
    //   discarded, and there too its operand lies in [2^-14, 2), never NaN or denormal;
    // - the sign is OR-ed back last, so −0 and negative subnormals keep it.
    private const uint SubnormalAsMinNormalBits = 0x3880_0000u; // exponent field of 2^-14

    // SingleToF16, per lane, the scalar code's cases in integer form (16 operations at 512 bits where the old form
    // took 18): the normal rounding (rebias, add 0x0FFF plus the kept LSB, shift) clamped by an unsigned Min at 0x7C00,
    // which is exactly where 65520 and everything above it (+inf included) must land, so the infinity case needs no
    // compare and select of its own; the subnormal range by the FPU's own round-to-even (ScalarConvert's magic add);
    // NaN as 0x7E00 with the top payload bits; the sign OR-ed back last. The a >> 13 is shared by the rounding bit and
    // the NaN payload.

    // ---------------- Vector128 ----------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> F16ToSingle(Vector128<uint> h)
    {
        Vector128<uint> bits = h & Vector128.Create(0x7FFFu);
        Vector128<uint> shifted = bits << 13;
        Vector128<uint> normal = shifted + Vector128.Create(0x3800_0000u);
        normal = Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(bits.AsInt32(), Vector128.Create(0x7C00)).AsUInt32(), normal | Vector128.Create(0x7F80_0000u), normal);
        Vector128<float> subnormal = (shifted | Vector128.Create(SubnormalAsMinNormalBits)).AsSingle() - Vector128.Create(MinNormalF16);
        Vector128<float> magnitude = Vector128.ConditionalSelect(Vector128.LessThan(bits.AsInt32(), Vector128.Create(0x0400)).AsSingle(), subnormal, normal.AsSingle());
        return magnitude | ((h << 16) & Vector128.Create(0x8000_0000u)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> SingleToF16(Vector128<float> value)
    {
        Vector128<uint> u = value.AsUInt32();
        Vector128<uint> a = u & Vector128.Create(0x7FFF_FFFFu);
        Vector128<uint> top = a >> 13;
        Vector128<uint> normal = Vector128.Min((a - Vector128.Create(0x3800_0000u - 0x0FFFu) + (top & Vector128.Create(1u))) >> 13, Vector128.Create(0x7C00u));
        Vector128<float> magic = Vector128.Create(ScalarConvert.SubnormalMagicF16).AsSingle();
        Vector128<uint> subnormal = (a.AsSingle() + magic).AsUInt32() - magic.AsUInt32();
        Vector128<uint> r = Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(a.AsInt32(), Vector128.Create(0x3880_0000)).AsUInt32(), normal, subnormal);
        r = Vector128.ConditionalSelect(Vector128.GreaterThan(a.AsInt32(), Vector128.Create(0x7F80_0000)).AsUInt32(), (top & Vector128.Create(0x3FFu)) | Vector128.Create(0x7E00u), r);
        return r | ((u >> 16) & Vector128.Create(0x8000u));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> BF16ToSingle(Vector128<uint> b) => (b << 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> SingleToBF16(Vector128<float> value)
    {
        Vector128<uint> u = value.AsUInt32();
        Vector128<uint> rounded = (u + Vector128.Create(0x7FFFu) + ((u >> 16) & Vector128.Create(1u))) >> 16;
        Vector128<uint> nan = (u >> 16) | Vector128.Create(0x0040u);
        Vector128<uint> isNaN = Vector128.GreaterThan((u & Vector128.Create(0x7FFF_FFFFu)).AsInt32(), Vector128.Create(0x7F80_0000)).AsUInt32();
        return Vector128.ConditionalSelect(isNaN, nan, rounded);
    }

    // ---------------- Vector256 ----------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> F16ToSingle(Vector256<uint> h)
    {
        Vector256<uint> bits = h & Vector256.Create(0x7FFFu);
        Vector256<uint> shifted = bits << 13;
        Vector256<uint> normal = shifted + Vector256.Create(0x3800_0000u);
        normal = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(bits.AsInt32(), Vector256.Create(0x7C00)).AsUInt32(), normal | Vector256.Create(0x7F80_0000u), normal);
        Vector256<float> subnormal = (shifted | Vector256.Create(SubnormalAsMinNormalBits)).AsSingle() - Vector256.Create(MinNormalF16);
        Vector256<float> magnitude = Vector256.ConditionalSelect(Vector256.LessThan(bits.AsInt32(), Vector256.Create(0x0400)).AsSingle(), subnormal, normal.AsSingle());
        return magnitude | ((h << 16) & Vector256.Create(0x8000_0000u)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> SingleToF16(Vector256<float> value)
    {
        Vector256<uint> u = value.AsUInt32();
        Vector256<uint> a = u & Vector256.Create(0x7FFF_FFFFu);
        Vector256<uint> top = a >> 13;
        Vector256<uint> normal = Vector256.Min((a - Vector256.Create(0x3800_0000u - 0x0FFFu) + (top & Vector256.Create(1u))) >> 13, Vector256.Create(0x7C00u));
        Vector256<float> magic = Vector256.Create(ScalarConvert.SubnormalMagicF16).AsSingle();
        Vector256<uint> subnormal = (a.AsSingle() + magic).AsUInt32() - magic.AsUInt32();
        Vector256<uint> r = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(a.AsInt32(), Vector256.Create(0x3880_0000)).AsUInt32(), normal, subnormal);
        r = Vector256.ConditionalSelect(Vector256.GreaterThan(a.AsInt32(), Vector256.Create(0x7F80_0000)).AsUInt32(), (top & Vector256.Create(0x3FFu)) | Vector256.Create(0x7E00u), r);
        return r | ((u >> 16) & Vector256.Create(0x8000u));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> BF16ToSingle(Vector256<uint> b) => (b << 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> SingleToBF16(Vector256<float> value)
    {
        Vector256<uint> u = value.AsUInt32();
        Vector256<uint> rounded = (u + Vector256.Create(0x7FFFu) + ((u >> 16) & Vector256.Create(1u))) >> 16;
        Vector256<uint> nan = (u >> 16) | Vector256.Create(0x0040u);
        Vector256<uint> isNaN = Vector256.GreaterThan((u & Vector256.Create(0x7FFF_FFFFu)).AsInt32(), Vector256.Create(0x7F80_0000)).AsUInt32();
        return Vector256.ConditionalSelect(isNaN, nan, rounded);
    }

    // ---------------- Vector512 ----------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> F16ToSingle(Vector512<uint> h)
    {
        Vector512<uint> bits = h & Vector512.Create(0x7FFFu);
        Vector512<uint> shifted = bits << 13;
        Vector512<uint> normal = shifted + Vector512.Create(0x3800_0000u);
        normal = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(bits.AsInt32(), Vector512.Create(0x7C00)).AsUInt32(), normal | Vector512.Create(0x7F80_0000u), normal);
        Vector512<float> subnormal = (shifted | Vector512.Create(SubnormalAsMinNormalBits)).AsSingle() - Vector512.Create(MinNormalF16);
        Vector512<float> magnitude = Vector512.ConditionalSelect(Vector512.LessThan(bits.AsInt32(), Vector512.Create(0x0400)).AsSingle(), subnormal, normal.AsSingle());
        return magnitude | ((h << 16) & Vector512.Create(0x8000_0000u)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> SingleToF16(Vector512<float> value)
    {
        Vector512<uint> u = value.AsUInt32();
        Vector512<uint> a = u & Vector512.Create(0x7FFF_FFFFu);
        Vector512<uint> top = a >> 13;
        Vector512<uint> normal = Vector512.Min((a - Vector512.Create(0x3800_0000u - 0x0FFFu) + (top & Vector512.Create(1u))) >> 13, Vector512.Create(0x7C00u));
        Vector512<float> magic = Vector512.Create(ScalarConvert.SubnormalMagicF16).AsSingle();
        Vector512<uint> subnormal = (a.AsSingle() + magic).AsUInt32() - magic.AsUInt32();
        Vector512<uint> r = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(a.AsInt32(), Vector512.Create(0x3880_0000)).AsUInt32(), normal, subnormal);
        r = Vector512.ConditionalSelect(Vector512.GreaterThan(a.AsInt32(), Vector512.Create(0x7F80_0000)).AsUInt32(), (top & Vector512.Create(0x3FFu)) | Vector512.Create(0x7E00u), r);
        return r | ((u >> 16) & Vector512.Create(0x8000u));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> BF16ToSingle(Vector512<uint> b) => (b << 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> SingleToBF16(Vector512<float> value)
    {
        Vector512<uint> u = value.AsUInt32();
        Vector512<uint> rounded = (u + Vector512.Create(0x7FFFu) + ((u >> 16) & Vector512.Create(1u))) >> 16;
        Vector512<uint> nan = (u >> 16) | Vector512.Create(0x0040u);
        Vector512<uint> isNaN = Vector512.GreaterThan((u & Vector512.Create(0x7FFF_FFFFu)).AsInt32(), Vector512.Create(0x7F80_0000)).AsUInt32();
        return Vector512.ConditionalSelect(isNaN, nan, rounded);
    }
}
