using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Fast.Kernels.Conversion;

/// <summary>
/// binary16 conversions on 32-bit lanes that each hold two stored halves ("pairs": element 2k in the low
/// 16 bits, 2k+1 in the high 16 bits), so loads and stores need no zero-extension or packing shuffles. The
/// even elements widen into one float vector, the odd ones into another; an elementwise operator does not
/// care which elements share a vector. Exactly <see cref="ScalarConvert"/>'s results, NaN payloads included.
/// <para>
/// The arithmetic leans on the FPU instead of branches: widening scales the f16 exponent/mantissa, moved to
/// binary32's position, by 2^112 (exact, and it normalises subnormals); narrowing adds a magic power of two
/// whose ulp is the f16 ulp of the value (the FPU rounds to nearest even), subtracts it again, and scales by
/// 2^−112 so the f16 encoding sits in bits 13..27. .NET exposes no F16C/AVX512-FP16 conversions.
/// </para>
/// </summary>
internal static class HalfPairs
{
    private const uint SignBit = 0x8000_0000u;
    private const uint AbsMask = 0x7FFF_FFFFu;
    private const uint ExponentMask = 0x7F80_0000u;

    /// <summary>Every bit of a pair but the two f16 exponents: a half is Inf/NaN when OR-ing this gives 0xFFFF.</summary>
    private const uint NotExponent = 0x83FF_83FFu;

    /// <summary>An f16 exponent and mantissa shifted left by 13: binary32's fields, still with bias 15.</summary>
    private const uint ShiftedMask = 0x0FFF_E000u;

    /// <summary>Shifted f16 exponent 31 (Inf/NaN) and above.</summary>
    private const int ShiftedInfinity = 0x0F80_0000;

    private const uint TwoTo112 = (127u + 112) << 23;
    private const uint TwoToMinus112 = (127u - 112) << 23;

    /// <summary>2^16: every value at or beyond it narrows to infinity; clamping there keeps the magic finite.</summary>
    private const float Overflow = 65536f;

    /// <summary>2^−14, the smallest normal f16: below it the f16 ulp stays 2^−24.</summary>
    private const int MinNormalExponent = (127 - 14) << 23;

    /// <summary>Adding 2^(e+13) to a value of exponent e leaves exactly the 10 fraction bits of f16 above its ulp.</summary>
    private const uint MagicOffset = 13u << 23;

    // ---------------- Vector128 ----------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> WidenEven(Vector128<uint> pairs) =>
        FromShifted((pairs << 13) & Vector128.Create(ShiftedMask), pairs << 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> WidenOdd(Vector128<uint> pairs) =>
        FromShifted((pairs >> 3) & Vector128.Create(ShiftedMask), pairs);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> Narrow(Vector128<float> even, Vector128<float> odd)
    {
        Vector128<uint> low = Vector128.ConditionalSelect(Vector128.Create(0x7FFFu), Scaled(even) >> 13, even.AsUInt32() >> 16);
        Vector128<uint> high = Vector128.ConditionalSelect(Vector128.Create(0x7FFF_0000u), Scaled(odd) << 3, odd.AsUInt32() & Vector128.Create(SignBit));
        return low | high;
    }

    /// <summary>Rounds to the nearest f16 value and widens it back, without leaving binary32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> RoundTrip(Vector128<float> value)
    {
        Vector128<float> rounded = RoundMagnitude(value);
        rounded = Vector128.ConditionalSelect(Vector128.Equals(rounded, Vector128.Create(Overflow)), Vector128.Create(ExponentMask).AsSingle(), rounded);

        // A NaN keeps the top 10 payload bits, as the narrowing does; other results have zero low bits already.
        return Vector128.ConditionalSelect(Vector128.Create(0x7FFF_E000u), rounded.AsUInt32(), value.AsUInt32() & Vector128.Create(SignBit)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> FromShifted(Vector128<uint> shifted, Vector128<uint> signSource)
    {
        Vector128<uint> scaled = (shifted.AsSingle() * Vector128.Create(TwoTo112).AsSingle()).AsUInt32();
        Vector128<uint> special = Vector128.GreaterThanOrEqual(shifted.AsInt32(), Vector128.Create(ShiftedInfinity)).AsUInt32() & Vector128.Create(ExponentMask);
        return Vector128.ConditionalSelect(Vector128.Create(SignBit), signSource, scaled | special).AsSingle();
    }

    /// <summary>|value| rounded to f16 precision, at most 2^16, NaN kept (quieted, payload intact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> RoundMagnitude(Vector128<float> value)
    {
        Vector128<float> magnitude = (value.AsUInt32() & Vector128.Create(AbsMask)).AsSingle();

        // MINPS returns its second operand when either is NaN, so a NaN magnitude passes through unclamped.
        Vector128<float> clamped = Sse.IsSupported
            ? Sse.Min(Vector128.Create(Overflow), magnitude)
            : Vector128.ConditionalSelect(Vector128.GreaterThan(magnitude, Vector128.Create(Overflow)), Vector128.Create(Overflow), magnitude);
        Vector128<uint> exponent = Vector128.Max((clamped.AsUInt32() & Vector128.Create(ExponentMask)).AsInt32(), Vector128.Create(MinNormalExponent)).AsUInt32();
        Vector128<float> magic = (exponent + Vector128.Create(MagicOffset)).AsSingle();
        return (clamped + magic) - magic;
    }

    /// <summary>The narrowed f16 encoding in bits 13..27 (sign not included).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> Scaled(Vector128<float> value) =>
        (RoundMagnitude(value) * Vector128.Create(TwoToMinus112).AsSingle()).AsUInt32();

    // ---------------- Vector256 ----------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> WidenEven(Vector256<uint> pairs) =>
        FromShifted((pairs << 13) & Vector256.Create(ShiftedMask), pairs << 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> WidenOdd(Vector256<uint> pairs) =>
        FromShifted((pairs >> 3) & Vector256.Create(ShiftedMask), pairs);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Narrow(Vector256<float> even, Vector256<float> odd)
    {
        Vector256<uint> low = Vector256.ConditionalSelect(Vector256.Create(0x7FFFu), Scaled(even) >> 13, even.AsUInt32() >> 16);
        Vector256<uint> high = Vector256.ConditionalSelect(Vector256.Create(0x7FFF_0000u), Scaled(odd) << 3, odd.AsUInt32() & Vector256.Create(SignBit));
        return low | high;
    }

    /// <summary>Rounds to the nearest f16 value and widens it back, without leaving binary32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> RoundTrip(Vector256<float> value)
    {
        Vector256<float> rounded = RoundMagnitude(value);
        rounded = Vector256.ConditionalSelect(Vector256.Equals(rounded, Vector256.Create(Overflow)), Vector256.Create(ExponentMask).AsSingle(), rounded);

        // A NaN keeps the top 10 payload bits, as the narrowing does; other results have zero low bits already.
        return Vector256.ConditionalSelect(Vector256.Create(0x7FFF_E000u), rounded.AsUInt32(), value.AsUInt32() & Vector256.Create(SignBit)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> FromShifted(Vector256<uint> shifted, Vector256<uint> signSource)
    {
        Vector256<uint> scaled = (shifted.AsSingle() * Vector256.Create(TwoTo112).AsSingle()).AsUInt32();
        Vector256<uint> special = Vector256.GreaterThanOrEqual(shifted.AsInt32(), Vector256.Create(ShiftedInfinity)).AsUInt32() & Vector256.Create(ExponentMask);
        return Vector256.ConditionalSelect(Vector256.Create(SignBit), signSource, scaled | special).AsSingle();
    }

    /// <summary>|value| rounded to f16 precision, at most 2^16, NaN kept (quieted, payload intact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> RoundMagnitude(Vector256<float> value)
    {
        Vector256<float> magnitude = (value.AsUInt32() & Vector256.Create(AbsMask)).AsSingle();

        // MINPS returns its second operand when either is NaN, so a NaN magnitude passes through unclamped.
        Vector256<float> clamped = Avx.IsSupported
            ? Avx.Min(Vector256.Create(Overflow), magnitude)
            : Vector256.ConditionalSelect(Vector256.GreaterThan(magnitude, Vector256.Create(Overflow)), Vector256.Create(Overflow), magnitude);
        Vector256<uint> exponent = Vector256.Max((clamped.AsUInt32() & Vector256.Create(ExponentMask)).AsInt32(), Vector256.Create(MinNormalExponent)).AsUInt32();
        Vector256<float> magic = (exponent + Vector256.Create(MagicOffset)).AsSingle();
        return (clamped + magic) - magic;
    }

    /// <summary>The narrowed f16 encoding in bits 13..27 (sign not included).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Scaled(Vector256<float> value) =>
        (RoundMagnitude(value) * Vector256.Create(TwoToMinus112).AsSingle()).AsUInt32();

    // ---------------- Vector512 ----------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> WidenEven(Vector512<uint> pairs) =>
        FromShifted((pairs << 13) & Vector512.Create(ShiftedMask), pairs << 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> WidenOdd(Vector512<uint> pairs) =>
        FromShifted((pairs >> 3) & Vector512.Create(ShiftedMask), pairs);

    /// <summary>Whether any half in the pairs is Inf or NaN (f16 exponent 31): only then is the exact widening needed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnySpecial(Vector512<uint> x, Vector512<uint> y) =>
        Vector512.EqualsAny(Vector512.Max((x | Vector512.Create(NotExponent)).AsUInt16(), (y | Vector512.Create(NotExponent)).AsUInt16()), Vector512<ushort>.AllBitsSet);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnySpecial(Vector512<uint> x, Vector512<uint> y, Vector512<uint> z) =>
        Vector512.EqualsAny(
            Vector512.Max(Vector512.Max((x | Vector512.Create(NotExponent)).AsUInt16(), (y | Vector512.Create(NotExponent)).AsUInt16()), (z | Vector512.Create(NotExponent)).AsUInt16()),
            Vector512<ushort>.AllBitsSet);

    /// <summary><see cref="WidenEven(Vector512{uint})"/> for pairs without Inf/NaN (<see cref="AnySpecial(Vector512{uint}, Vector512{uint})"/> false).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> WidenEvenFinite(Vector512<uint> pairs) => WidenOddFinite(pairs << 16);

    /// <summary><see cref="WidenOdd(Vector512{uint})"/> for pairs without Inf/NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> WidenOddFinite(Vector512<uint> pairs) =>
        // The arithmetic shift keeps the sign in bit 31 while the exponent and mantissa move to binary32's place.
        ((pairs.AsInt32() >> 3).AsUInt32() & Vector512.Create(SignBit | ShiftedMask)).AsSingle() * Vector512.Create(TwoTo112).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Narrow(Vector512<float> even, Vector512<float> odd)
    {
        Vector512<uint> low = Vector512.ConditionalSelect(Vector512.Create(0x7FFFu), Scaled(even) >> 13, even.AsUInt32() >> 16);
        Vector512<uint> high = Vector512.ConditionalSelect(Vector512.Create(0x7FFF_0000u), Scaled(odd) << 3, odd.AsUInt32() & Vector512.Create(SignBit));
        return low | high;
    }

    /// <summary>Rounds to the nearest f16 value and widens it back, without leaving binary32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> RoundTrip(Vector512<float> value)
    {
        Vector512<float> rounded = RoundMagnitude(value);
        rounded = Vector512.ConditionalSelect(Vector512.Equals(rounded, Vector512.Create(Overflow)), Vector512.Create(ExponentMask).AsSingle(), rounded);

        // A NaN keeps the top 10 payload bits, as the narrowing does; other results have zero low bits already.
        return Vector512.ConditionalSelect(Vector512.Create(0x7FFF_E000u), rounded.AsUInt32(), value.AsUInt32() & Vector512.Create(SignBit)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> FromShifted(Vector512<uint> shifted, Vector512<uint> signSource)
    {
        Vector512<uint> scaled = (shifted.AsSingle() * Vector512.Create(TwoTo112).AsSingle()).AsUInt32();
        Vector512<uint> special = Vector512.GreaterThanOrEqual(shifted.AsInt32(), Vector512.Create(ShiftedInfinity)).AsUInt32() & Vector512.Create(ExponentMask);
        return Vector512.ConditionalSelect(Vector512.Create(SignBit), signSource, scaled | special).AsSingle();
    }

    /// <summary>|value| rounded to f16 precision, at most 2^16, NaN kept (quieted, payload intact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> RoundMagnitude(Vector512<float> value)
    {
        Vector512<float> magnitude = (value.AsUInt32() & Vector512.Create(AbsMask)).AsSingle();

        // MINPS returns its second operand when either is NaN, so a NaN magnitude passes through unclamped.
        Vector512<float> clamped = Avx512F.IsSupported
            ? Avx512F.Min(Vector512.Create(Overflow), magnitude)
            : Vector512.ConditionalSelect(Vector512.GreaterThan(magnitude, Vector512.Create(Overflow)), Vector512.Create(Overflow), magnitude);
        Vector512<uint> exponent = Vector512.Max((clamped.AsUInt32() & Vector512.Create(ExponentMask)).AsInt32(), Vector512.Create(MinNormalExponent)).AsUInt32();
        Vector512<float> magic = (exponent + Vector512.Create(MagicOffset)).AsSingle();
        return (clamped + magic) - magic;
    }

    /// <summary>The narrowed f16 encoding in bits 13..27 (sign not included).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Scaled(Vector512<float> value) =>
        (RoundMagnitude(value) * Vector512.Create(TwoToMinus112).AsSingle()).AsUInt32();
}
