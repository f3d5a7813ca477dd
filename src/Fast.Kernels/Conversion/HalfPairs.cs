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
/// <para>
/// The 256- and 512-bit code never lets the FPU see a binary32 subnormal, because Intel cores run every
/// multiply with a subnormal operand or result as a microcode assist (about 150 cycles; with merge-like data
/// one vector in ten holds an f16 subnormal). Widening multiplies only vectors whose halves are all normal
/// (<see cref="AnyNotNormal(Vector256{uint}, Vector256{uint})"/>) and otherwise adds exponent biases as
/// integers; narrowing reads the encoding out of the magic sum's integer bits instead of scaling by 2^−112.
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

    /// <summary>2^−14 + 2^−24·m for an f16 subnormal of mantissa m, once its shifted bits get binary32's bias plus one.</summary>
    private const uint SubnormalBias = (127u - 15 + 1) << 23;

    /// <summary>binary32 bias minus f16 bias, added to a shifted normal f16 exponent.</summary>
    private const uint NormalBias = (127u - 15) << 23;

    /// <summary>Shifted f16 exponent 1: below it a half is zero or subnormal.</summary>
    private const int ShiftedMinNormal = 1 << 23;

    /// <summary>A half doubled (sign dropped) plus this is below 0x1000 exactly when its exponent is 0 or 31.</summary>
    private const ushort ExponentEdgeOffset = 0x0800;

    private const ushort ExponentEdgeLimit = 0x1000;

    /// <summary>Magnitudes from here (2^−14) ...</summary>
    private const int NormalRangeStart = (127 - 14) << 23;

    /// <summary>... up to here (65520, excluded) round to a normal f16 value (65520 and above round to Inf).</summary>
    private const int NormalRangeEnd = 0x477F_F000;

    /// <summary>Round-to-nearest-even increment less one, with the f16 rebias folded in (the exponent never borrows).</summary>
    private const uint NormalRounding = unchecked(0x0FFFu - (112u << 23));

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

    /// <summary>
    /// Whether any half in the pairs is zero, subnormal, Inf or NaN (f16 exponent 0 or 31): only then is
    /// <see cref="WidenEven(Vector256{uint})"/> needed instead of <see cref="WidenEvenFinite(Vector256{uint})"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyNotNormal(Vector256<uint> x, Vector256<uint> y) =>
        Vector256.LessThanAny(Vector256.Min(ExponentEdge(x), ExponentEdge(y)), Vector256.Create(ExponentEdgeLimit));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyNotNormal(Vector256<uint> x, Vector256<uint> y, Vector256<uint> z) =>
        Vector256.LessThanAny(Vector256.Min(Vector256.Min(ExponentEdge(x), ExponentEdge(y)), ExponentEdge(z)), Vector256.Create(ExponentEdgeLimit));

    /// <summary><see cref="WidenEven(Vector256{uint})"/> for pairs of normal halves (<see cref="AnyNotNormal(Vector256{uint}, Vector256{uint})"/> false).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> WidenEvenFinite(Vector256<uint> pairs) => WidenOddFinite(pairs << 16);

    /// <summary><see cref="WidenOdd(Vector256{uint})"/> for pairs of normal halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> WidenOddFinite(Vector256<uint> pairs) =>
        // The arithmetic shift keeps the sign in bit 31 while the exponent and mantissa move to binary32's place.
        ((pairs.AsInt32() >> 3).AsUInt32() & Vector256.Create(SignBit | ShiftedMask)).AsSingle() * Vector256.Create(TwoTo112).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Narrow(Vector256<float> even, Vector256<float> odd) =>
        AnyNaN(even, odd) ? NarrowWithNaNs(even, odd) : NarrowNumbers(even, odd);

    /// <summary>Rounds to the nearest f16 value and widens it back, without leaving binary32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> RoundTrip(Vector256<float> value)
    {
        Vector256<float> rounded = RoundMagnitude(value);
        rounded = Vector256.ConditionalSelect(Vector256.Equals(rounded, Vector256.Create(Overflow)), Vector256.Create(ExponentMask).AsSingle(), rounded);

        // A NaN keeps the top 10 payload bits, as the narrowing does; other results have zero low bits already.
        return Vector256.ConditionalSelect(Vector256.Create(0x7FFF_E000u), rounded.AsUInt32(), value.AsUInt32() & Vector256.Create(SignBit)).AsSingle();
    }

    /// <summary>Each 16-bit half doubled (sign dropped) and offset so that exponents 0 and 31 fall below 0x1000.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ushort> ExponentEdge(Vector256<uint> pairs) =>
        (pairs.AsUInt16() + pairs.AsUInt16()) + Vector256.Create(ExponentEdgeOffset);

    /// <summary>
    /// The shifted f16 fields as binary32 without a multiply: normal exponents get the bias difference added as
    /// integers; subnormals get one more and then lose 2^−14 in an exact subtraction of normal numbers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> FromShifted(Vector256<uint> shifted, Vector256<uint> signSource)
    {
        Vector256<uint> normal = shifted + Vector256.Create(NormalBias);
        Vector256<uint> subnormal = ((shifted + Vector256.Create(SubnormalBias)).AsSingle() - Vector256.Create(MinNormalExponent).AsSingle()).AsUInt32();
        Vector256<uint> isSubnormal = Vector256.LessThan(shifted.AsInt32(), Vector256.Create(ShiftedMinNormal)).AsUInt32();
        Vector256<uint> special = Vector256.GreaterThanOrEqual(shifted.AsInt32(), Vector256.Create(ShiftedInfinity)).AsUInt32() & Vector256.Create(ExponentMask);
        Vector256<uint> magnitude = Vector256.ConditionalSelect(isSubnormal, subnormal, normal) | special;
        return Vector256.ConditionalSelect(Vector256.Create(SignBit), signSource, magnitude).AsSingle();
    }

    /// <summary>
    /// The 15-bit f16 magnitude encoding of a non-NaN value, in bits 0..14. The magic sum's bits minus the magic's
    /// are the rounded significand counted in f16 ulps (the subnormal encoding itself below 2^−14; 1024..2048 above,
    /// where a carry into the next binade comes out right); adding the exponent above 2^−14 completes it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Encode(Vector256<float> value)
    {
        Vector256<float> magnitude = (value.AsUInt32() & Vector256.Create(AbsMask)).AsSingle();
        Vector256<float> clamped = Vector256.MinNative(magnitude, Vector256.Create(Overflow));
        Vector256<uint> aboveMinNormal = Vector256.Max((clamped.AsUInt32() & Vector256.Create(ExponentMask)).AsInt32() - Vector256.Create(MinNormalExponent), Vector256<int>.Zero).AsUInt32();
        Vector256<uint> magic = aboveMinNormal + Vector256.Create((uint)MinNormalExponent + MagicOffset);
        Vector256<uint> sum = (clamped + magic.AsSingle()).AsUInt32();
        return (sum - magic) + (aboveMinNormal >> 13);
    }

    /// <summary>
    /// Whether every lane of both vectors rounds to a normal f16 value (2^−14 ≤ |v| &lt; 65520): then the encoding is
    /// plain integer rounding (<see cref="NarrowNormal(Vector256{float}, Vector256{float})"/>). Zeros, subnormal
    /// results, overflow, Inf and NaN answer false.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool InNormalRange(Vector256<float> even, Vector256<float> odd)
    {
        Vector256<int> e = (even.AsUInt32() & Vector256.Create(AbsMask)).AsInt32();
        Vector256<int> o = (odd.AsUInt32() & Vector256.Create(AbsMask)).AsInt32();

        // Both differences are non-negative exactly when the smallest and largest magnitudes are inside.
        Vector256<int> outside = (Vector256.Min(e, o) - Vector256.Create(NormalRangeStart)) | (Vector256.Create(NormalRangeEnd - 1) - Vector256.Max(e, o));
        return Avx.IsSupported ? Avx.TestZ(outside.AsSingle(), outside.AsSingle()) : !Vector256.LessThanAny(outside, Vector256<int>.Zero);
    }

    /// <summary><see cref="Narrow(Vector256{float}, Vector256{float})"/> for lanes in the normal range (<see cref="InNormalRange(Vector256{float}, Vector256{float})"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> NarrowNormal(Vector256<float> even, Vector256<float> odd)
    {
        Vector256<uint> e = even.AsUInt32() & Vector256.Create(AbsMask);
        Vector256<uint> o = odd.AsUInt32() & Vector256.Create(AbsMask);
        Vector256<uint> low = ((e + Vector256.Create(NormalRounding) + ((e >> 13) & Vector256.Create(1u))) >> 13) | ((even.AsUInt32() >> 16) & Vector256.Create(0x8000u));
        Vector256<uint> high = (((o + Vector256.Create(NormalRounding) + ((o >> 13) & Vector256.Create(1u))) << 3) & Vector256.Create(0x7FFF_0000u)) | (odd.AsUInt32() & Vector256.Create(SignBit));
        return low | high;
    }

    /// <summary>Whether any lane of <paramref name="even"/> or <paramref name="odd"/> is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool AnyNaN(Vector256<float> even, Vector256<float> odd)
    {
        if (Avx.IsSupported)
        {
            Vector256<float> unordered = Avx.Compare(even, odd, FloatComparisonMode.UnorderedNonSignaling);
            return !Avx.TestZ(unordered, unordered);
        }

        return !(Vector256.EqualsAll(even, even) && Vector256.EqualsAll(odd, odd));
    }

    /// <summary><see cref="Narrow(Vector256{float}, Vector256{float})"/> for vectors without NaN (<see cref="AnyNaN(Vector256{float}, Vector256{float})"/> false).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> NarrowNumbers(Vector256<float> even, Vector256<float> odd)
    {
        Vector256<uint> low = Encode(even) | ((even.AsUInt32() >> 16) & Vector256.Create(0x8000u));
        Vector256<uint> high = (Encode(odd) << 16) | (odd.AsUInt32() & Vector256.Create(SignBit));
        return low | high;
    }

    /// <summary>
    /// The rare vectors holding a NaN: NaN lanes are narrowed as zeros, then replaced by the quiet f16 NaN with the
    /// sign and top payload bits, exactly as <see cref="ScalarConvert.SingleToF16"/> makes it.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector256<uint> NarrowWithNaNs(Vector256<float> even, Vector256<float> odd)
    {
        Vector256<uint> evenNaN = ~Vector256.Equals(even, even).AsUInt32();
        Vector256<uint> oddNaN = ~Vector256.Equals(odd, odd).AsUInt32();
        Vector256<uint> pairs = NarrowNumbers(Vector256.AndNot(even, evenNaN.AsSingle()), Vector256.AndNot(odd, oddNaN.AsSingle()));
        Vector256<uint> evenCode = ((even.AsUInt32() >> 16) & Vector256.Create(0x8000u)) | Vector256.Create(0x7E00u) | ((even.AsUInt32() >> 13) & Vector256.Create(0x3FFu));
        Vector256<uint> oddCode = (odd.AsUInt32() & Vector256.Create(SignBit)) | Vector256.Create(0x7E00_0000u) | ((odd.AsUInt32() << 3) & Vector256.Create(0x03FF_0000u));
        pairs = Vector256.ConditionalSelect(evenNaN & Vector256.Create(0x0000_FFFFu), evenCode, pairs);
        return Vector256.ConditionalSelect(oddNaN & Vector256.Create(0xFFFF_0000u), oddCode, pairs);
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

    // ---------------- Vector512 ----------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> WidenEven(Vector512<uint> pairs) =>
        FromShifted((pairs << 13) & Vector512.Create(ShiftedMask), pairs << 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> WidenOdd(Vector512<uint> pairs) =>
        FromShifted((pairs >> 3) & Vector512.Create(ShiftedMask), pairs);

    /// <summary>
    /// Whether any half in the pairs is zero, subnormal, Inf or NaN (f16 exponent 0 or 31): only then is
    /// <see cref="WidenEven(Vector512{uint})"/> needed instead of <see cref="WidenEvenFinite(Vector512{uint})"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyNotNormal(Vector512<uint> x, Vector512<uint> y) =>
        Vector512.LessThanAny(Vector512.Min(ExponentEdge(x), ExponentEdge(y)), Vector512.Create(ExponentEdgeLimit));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyNotNormal(Vector512<uint> x, Vector512<uint> y, Vector512<uint> z) =>
        Vector512.LessThanAny(Vector512.Min(Vector512.Min(ExponentEdge(x), ExponentEdge(y)), ExponentEdge(z)), Vector512.Create(ExponentEdgeLimit));

    /// <summary><see cref="WidenEven(Vector512{uint})"/> for pairs of normal halves (<see cref="AnyNotNormal(Vector512{uint}, Vector512{uint})"/> false).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> WidenEvenFinite(Vector512<uint> pairs) => WidenOddFinite(pairs << 16);

    /// <summary><see cref="WidenOdd(Vector512{uint})"/> for pairs of normal halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> WidenOddFinite(Vector512<uint> pairs) =>
        // The arithmetic shift keeps the sign in bit 31 while the exponent and mantissa move to binary32's place.
        ((pairs.AsInt32() >> 3).AsUInt32() & Vector512.Create(SignBit | ShiftedMask)).AsSingle() * Vector512.Create(TwoTo112).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Narrow(Vector512<float> even, Vector512<float> odd)
    {
        Vector512<float> anyNaN = Avx512F.IsSupported
            ? Avx512F.CompareUnordered(even, odd)
            : ~(Vector512.Equals(even, even) & Vector512.Equals(odd, odd));
        return anyNaN == Vector512<float>.Zero ? NarrowNumbers(even, odd) : NarrowWithNaNs(even, odd);
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

    /// <summary>Each 16-bit half doubled (sign dropped) and offset so that exponents 0 and 31 fall below 0x1000.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ushort> ExponentEdge(Vector512<uint> pairs) =>
        (pairs.AsUInt16() + pairs.AsUInt16()) + Vector512.Create(ExponentEdgeOffset);

    /// <summary>
    /// The shifted f16 fields as binary32 without a multiply: normal exponents get the bias difference added as
    /// integers; subnormals get one more and then lose 2^−14 in an exact subtraction of normal numbers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> FromShifted(Vector512<uint> shifted, Vector512<uint> signSource)
    {
        Vector512<uint> normal = shifted + Vector512.Create(NormalBias);
        Vector512<uint> subnormal = ((shifted + Vector512.Create(SubnormalBias)).AsSingle() - Vector512.Create(MinNormalExponent).AsSingle()).AsUInt32();
        Vector512<uint> isSubnormal = Vector512.LessThan(shifted.AsInt32(), Vector512.Create(ShiftedMinNormal)).AsUInt32();
        Vector512<uint> special = Vector512.GreaterThanOrEqual(shifted.AsInt32(), Vector512.Create(ShiftedInfinity)).AsUInt32() & Vector512.Create(ExponentMask);
        Vector512<uint> magnitude = Vector512.ConditionalSelect(isSubnormal, subnormal, normal) | special;
        return Vector512.ConditionalSelect(Vector512.Create(SignBit), signSource, magnitude).AsSingle();
    }

    /// <summary>
    /// The 15-bit f16 magnitude encoding of a non-NaN value, in bits 0..14. The magic sum's bits minus the magic's
    /// are the rounded significand counted in f16 ulps (the subnormal encoding itself below 2^−14; 1024..2048 above,
    /// where a carry into the next binade comes out right); adding the exponent above 2^−14 completes it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Encode(Vector512<float> value)
    {
        Vector512<float> magnitude = (value.AsUInt32() & Vector512.Create(AbsMask)).AsSingle();
        Vector512<float> clamped = Vector512.MinNative(magnitude, Vector512.Create(Overflow));
        Vector512<uint> aboveMinNormal = Vector512.Max((clamped.AsUInt32() & Vector512.Create(ExponentMask)).AsInt32() - Vector512.Create(MinNormalExponent), Vector512<int>.Zero).AsUInt32();
        Vector512<uint> magic = aboveMinNormal + Vector512.Create((uint)MinNormalExponent + MagicOffset);
        Vector512<uint> sum = (clamped + magic.AsSingle()).AsUInt32();
        return (sum - magic) + (aboveMinNormal >> 13);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> NarrowNumbers(Vector512<float> even, Vector512<float> odd)
    {
        Vector512<uint> low = Encode(even) | ((even.AsUInt32() >> 16) & Vector512.Create(0x8000u));
        Vector512<uint> high = (Encode(odd) << 16) | (odd.AsUInt32() & Vector512.Create(SignBit));
        return low | high;
    }

    /// <summary>
    /// The rare vectors holding a NaN: NaN lanes are narrowed as zeros, then replaced by the quiet f16 NaN with the
    /// sign and top payload bits, exactly as <see cref="ScalarConvert.SingleToF16"/> makes it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> NarrowWithNaNs(Vector512<float> even, Vector512<float> odd)
    {
        Vector512<uint> evenNaN = ~Vector512.Equals(even, even).AsUInt32();
        Vector512<uint> oddNaN = ~Vector512.Equals(odd, odd).AsUInt32();
        Vector512<uint> pairs = NarrowNumbers(Vector512.AndNot(even, evenNaN.AsSingle()), Vector512.AndNot(odd, oddNaN.AsSingle()));
        Vector512<uint> evenCode = ((even.AsUInt32() >> 16) & Vector512.Create(0x8000u)) | Vector512.Create(0x7E00u) | ((even.AsUInt32() >> 13) & Vector512.Create(0x3FFu));
        Vector512<uint> oddCode = (odd.AsUInt32() & Vector512.Create(SignBit)) | Vector512.Create(0x7E00_0000u) | ((odd.AsUInt32() << 3) & Vector512.Create(0x03FF_0000u));
        pairs = Vector512.ConditionalSelect(evenNaN & Vector512.Create(0x0000_FFFFu), evenCode, pairs);
        return Vector512.ConditionalSelect(oddNaN & Vector512.Create(0xFFFF_0000u), oddCode, pairs);
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
}
