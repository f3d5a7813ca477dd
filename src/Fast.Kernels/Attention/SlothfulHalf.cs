using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Fast.Kernels.Conversion;

namespace Fast.Kernels.Attention;

/// <summary>
/// binary16 ↔ binary32 on 32-bit lanes for the pooling kernel, where conversion is most of the work: fewer vector
/// operations than <see cref="HalfLanes"/> for exactly the same bits as <see cref="ScalarConvert"/> (every pattern,
/// NaN payloads included; tests check all 2^16 and all 2^32 inputs). Nothing here makes or reads a binary32
/// subnormal whose flushing would change a result, so a thread with FTZ/DAZ set gets the same bits too.
/// </summary>
internal static class SlothfulHalf
{
    private const int AbsHalf = 0x7FFF;
    private const int HalfInfinity = 0x7C00;
    private const int HalfMinNormal = 0x0400;
    private const int ExponentRebias = (127 - 15) << 23;
    private const int SingleExponent = 0x7F80_0000;
    private const float SubnormalUnit = 1.0f / 16777216.0f;          // 2^-24, the binary16 subnormal step
    private const uint SingleMinNormalF16 = 0x3880_0000u;            // 2^-14 as binary32 bits
    private const uint SingleOverflowF16 = 0x477F_F000u;             // 65520: rounds to +inf in binary16
    private const uint SingleMaxExponentF16 = 0x4780_0000u;          // 2^16
    private const uint RoundingOffset = 13u << 23;                   // 2^13: the magic's exponent above the value's
    private const float Up = 5.192297e33f;                           // 2^112
    private const float Down = 1.92592994e-34f;                      // 2^-112

    // ---------------- widening: sign-extended 16-bit patterns → binary32 ----------------

    /// <summary>
    /// Normal numbers rebias the exponent; subnormals are m·2^-24 (an exact int → float conversion times a power of
    /// two); infinities and NaNs get the all-ones exponent with the payload bits in place (a signalling NaN stays so).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Widen(Vector512<int> h)
    {
        Vector512<int> bits = h & Vector512.Create(AbsHalf);
        Vector512<int> rebiased = (bits << 13) + Vector512.Create(ExponentRebias);
        Vector512<int> tiny = (Vector512.ConvertToSingle(bits) * Vector512.Create(SubnormalUnit)).AsInt32();
        Vector512<int> r = Vector512.ConditionalSelect(Vector512.LessThan(bits, Vector512.Create(HalfMinNormal)), tiny, rebiased);
        r = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(bits, Vector512.Create(HalfInfinity)), rebiased | Vector512.Create(SingleExponent), r);
        return (r | (h & Vector512.Create(int.MinValue))).AsSingle();
    }

    /// <inheritdoc cref="Widen(Vector512{int})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Widen(Vector256<int> h)
    {
        Vector256<int> bits = h & Vector256.Create(AbsHalf);
        Vector256<int> rebiased = (bits << 13) + Vector256.Create(ExponentRebias);
        Vector256<int> tiny = (Vector256.ConvertToSingle(bits) * Vector256.Create(SubnormalUnit)).AsInt32();
        Vector256<int> r = Vector256.ConditionalSelect(Vector256.LessThan(bits, Vector256.Create(HalfMinNormal)), tiny, rebiased);
        r = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(bits, Vector256.Create(HalfInfinity)), rebiased | Vector256.Create(SingleExponent), r);
        return (r | (h & Vector256.Create(int.MinValue))).AsSingle();
    }

    /// <inheritdoc cref="Widen(Vector512{int})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Widen(Vector128<int> h)
    {
        Vector128<int> bits = h & Vector128.Create(AbsHalf);
        Vector128<int> rebiased = (bits << 13) + Vector128.Create(ExponentRebias);
        Vector128<int> tiny = (Vector128.ConvertToSingle(bits) * Vector128.Create(SubnormalUnit)).AsInt32();
        Vector128<int> r = Vector128.ConditionalSelect(Vector128.LessThan(bits, Vector128.Create(HalfMinNormal)), tiny, rebiased);
        r = Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(bits, Vector128.Create(HalfInfinity)), rebiased | Vector128.Create(SingleExponent), r);
        return (r | (h & Vector128.Create(int.MinValue))).AsSingle();
    }

    // ---------------- narrowing: binary32 → 16-bit patterns (low half of each lane) ----------------

    /// <summary>
    /// Round to nearest even: normal results by the integer rounding of <see cref="ScalarConvert.SingleToF16"/>,
    /// clamped at 0x7C00 (every value from 65520 up, infinity included, gives ≥ 0x7C00 there); subnormal results by
    /// adding 0.5 (the FPU rounds to a multiple of 2^-24); NaNs quiet with the top payload bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Narrow(Vector512<float> value)
    {
        Vector512<uint> u = value.AsUInt32();
        Vector512<uint> a = u & Vector512.Create(0x7FFF_FFFFu);
        Vector512<uint> high = a >> 13;
        Vector512<uint> normal = (a - Vector512.Create(0x3800_0000u - 0x0FFFu) + (high & Vector512.Create(1u))) >> 13;
        Vector512<uint> subnormal = (a.AsSingle() + Vector512.Create(0.5f)).AsUInt32() - Vector512.Create(0x3F00_0000u);
        Vector512<uint> r = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(a.AsInt32(), Vector512.Create((int)SingleMinNormalF16)).AsUInt32(), normal, subnormal);
        r = Vector512.Min(r, Vector512.Create((uint)HalfInfinity));
        r = Vector512.ConditionalSelect(
            Vector512.GreaterThan(a.AsInt32(), Vector512.Create(SingleExponent)).AsUInt32(),
            (high & Vector512.Create(0x3FFu)) | Vector512.Create(0x7E00u),
            r);
        return r | ((u >> 16) & Vector512.Create(0x8000u));
    }

    /// <inheritdoc cref="Narrow(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Narrow(Vector256<float> value)
    {
        Vector256<uint> u = value.AsUInt32();
        Vector256<uint> a = u & Vector256.Create(0x7FFF_FFFFu);
        Vector256<uint> high = a >> 13;
        Vector256<uint> normal = (a - Vector256.Create(0x3800_0000u - 0x0FFFu) + (high & Vector256.Create(1u))) >> 13;
        Vector256<uint> subnormal = (a.AsSingle() + Vector256.Create(0.5f)).AsUInt32() - Vector256.Create(0x3F00_0000u);
        Vector256<uint> r = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(a.AsInt32(), Vector256.Create((int)SingleMinNormalF16)).AsUInt32(), normal, subnormal);
        r = Vector256.Min(r, Vector256.Create((uint)HalfInfinity));
        r = Vector256.ConditionalSelect(
            Vector256.GreaterThan(a.AsInt32(), Vector256.Create(SingleExponent)).AsUInt32(),
            (high & Vector256.Create(0x3FFu)) | Vector256.Create(0x7E00u),
            r);
        return r | ((u >> 16) & Vector256.Create(0x8000u));
    }

    /// <inheritdoc cref="Narrow(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> Narrow(Vector128<float> value)
    {
        Vector128<uint> u = value.AsUInt32();
        Vector128<uint> a = u & Vector128.Create(0x7FFF_FFFFu);
        Vector128<uint> high = a >> 13;
        Vector128<uint> normal = (a - Vector128.Create(0x3800_0000u - 0x0FFFu) + (high & Vector128.Create(1u))) >> 13;
        Vector128<uint> subnormal = (a.AsSingle() + Vector128.Create(0.5f)).AsUInt32() - Vector128.Create(0x3F00_0000u);
        Vector128<uint> r = Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(a.AsInt32(), Vector128.Create((int)SingleMinNormalF16)).AsUInt32(), normal, subnormal);
        r = Vector128.Min(r, Vector128.Create((uint)HalfInfinity));
        r = Vector128.ConditionalSelect(
            Vector128.GreaterThan(a.AsInt32(), Vector128.Create(SingleExponent)).AsUInt32(),
            (high & Vector128.Create(0x3FFu)) | Vector128.Create(0x7E00u),
            r);
        return r | ((u >> 16) & Vector128.Create(0x8000u));
    }

    // ---------------- rnd_F16 without leaving binary32 ----------------

    /// <summary>
    /// The binary32 value of the nearest binary16 (ties to even), computed in place of a narrow + widen round trip.
    /// Adding and subtracting M = 2^(e+13), e the value's exponent clamped to [−14, 16], makes the FPU round to the
    /// binary16 step of that binade (2^-24 below 2^-14); scaling by 2^112 and back turns everything from 65536 up into
    /// infinity; clearing the 13 low bits leaves a NaN quiet with binary16's payload bits, as the round trip does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Round(Vector512<float> value)
    {
        Vector512<uint> u = value.AsUInt32();
        Vector512<uint> a = u & Vector512.Create(0x7FFF_FFFFu);
        Vector512<uint> exponent = Vector512.Min(Vector512.Max(a & Vector512.Create((uint)SingleExponent), Vector512.Create(SingleMinNormalF16)), Vector512.Create(SingleMaxExponentF16));
        Vector512<float> magic = (exponent + Vector512.Create(RoundingOffset)).AsSingle();
        Vector512<float> r = (a.AsSingle() + magic) - magic;
        r = r * Vector512.Create(Up) * Vector512.Create(Down);
        return ((r.AsUInt32() & Vector512.Create(0xFFFF_E000u)) | (u & Vector512.Create(0x8000_0000u))).AsSingle();
    }

    /// <inheritdoc cref="Round(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Round(Vector256<float> value)
    {
        Vector256<uint> u = value.AsUInt32();
        Vector256<uint> a = u & Vector256.Create(0x7FFF_FFFFu);
        Vector256<uint> exponent = Vector256.Min(Vector256.Max(a & Vector256.Create((uint)SingleExponent), Vector256.Create(SingleMinNormalF16)), Vector256.Create(SingleMaxExponentF16));
        Vector256<float> magic = (exponent + Vector256.Create(RoundingOffset)).AsSingle();
        Vector256<float> r = (a.AsSingle() + magic) - magic;
        r = r * Vector256.Create(Up) * Vector256.Create(Down);
        return ((r.AsUInt32() & Vector256.Create(0xFFFF_E000u)) | (u & Vector256.Create(0x8000_0000u))).AsSingle();
    }

    /// <inheritdoc cref="Round(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Round(Vector128<float> value)
    {
        Vector128<uint> u = value.AsUInt32();
        Vector128<uint> a = u & Vector128.Create(0x7FFF_FFFFu);
        Vector128<uint> exponent = Vector128.Min(Vector128.Max(a & Vector128.Create((uint)SingleExponent), Vector128.Create(SingleMinNormalF16)), Vector128.Create(SingleMaxExponentF16));
        Vector128<float> magic = (exponent + Vector128.Create(RoundingOffset)).AsSingle();
        Vector128<float> r = (a.AsSingle() + magic) - magic;
        r = r * Vector128.Create(Up) * Vector128.Create(Down);
        return ((r.AsUInt32() & Vector128.Create(0xFFFF_E000u)) | (u & Vector128.Create(0x8000_0000u))).AsSingle();
    }
}
