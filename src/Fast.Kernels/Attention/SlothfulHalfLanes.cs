using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Fast.Kernels.Conversion;

namespace Fast.Kernels.Attention;

/// <summary>
/// The lane operations of <see cref="SlothfulHalfKernel"/>, the binary16 path for finite inputs. Each is exact only
/// under that path's two conditions, which it checks rather than assumes: no input in a row is an infinity or a NaN
/// (<see cref="LoadScaled"/> records every exponent field and <see cref="SawNonFinite"/> tells), and the thread keeps
/// binary32 subnormals (<see cref="SlothfulDenormals"/>). Under them the general conversions of
/// <see cref="SlothfulHalf"/> lose their special cases: a widening is two integer operations, and every result the
/// path rounds to binary16 lies between two finite binary16 values, so it can neither overflow nor be a NaN.
/// </summary>
internal unsafe interface ISlothfulHalfLanes<TV> : ISlothfulLanes<TV>
    where TV : struct
{
    /// <summary>
    /// binary16 patterns at <paramref name="at"/> as binary32 values times 2^-112, exact for every finite input:
    /// sign and magnitude bits shifted into place, so the binary16 exponent field lands in the binary32 one unbiased
    /// by 112, and subnormals (and ±0) become the binary32 subnormals (±0) of the same scaled value. Also raises
    /// <paramref name="seen"/> to the input's exponent field (as the top 5 bits of a 32-bit lane), so an infinity or
    /// a NaN leaves 0b11111 there.
    /// </summary>
    static abstract TV LoadScaled(byte* at, ref TV seen);

    /// <summary>Whether any pattern recorded in <paramref name="seen"/> had the all-ones exponent (±∞ or NaN).</summary>
    static abstract bool SawNonFinite(TV seen);

    /// <summary>A scaled value times 2^112: the binary32 value itself (exact: a power-of-two scaling into the normal range).</summary>
    static abstract TV ScaleUp(TV scaled);

    /// <summary>
    /// torch's max step <c>e &gt; m ? e : m</c> for inputs that are not NaN (a ±0 tie keeps <paramref name="m"/>, as
    /// the float compare does): x86's maxps is exactly this, with <paramref name="e"/> as its first operand.
    /// </summary>
    static abstract TV TakeIfGreater(TV e, TV m);

    /// <summary>rnd_F16 of a finite value of magnitude at most 65504, in binary32 (SPEC R6); see <see cref="SlothfulFiniteHalf"/>.</summary>
    static abstract TV RoundFinite(TV value);

    /// <summary>Stores the binary16 rounding of finite values of magnitude at most 65504 at <paramref name="at"/>.</summary>
    static abstract void StoreFinite(byte* at, TV value);
}

/// <summary>
/// Rounding to binary16 for finite values of magnitude at most 65504, by one binary32 addition: M = 2^(e+13), e the
/// value's exponent clamped below at −14, has a binary32 ulp of 2^(e−10), binary16's step in that binade (2^-24 in
/// the subnormal one), so |x| + M is |x| rounded to nearest even in binary16, plus M. Subtracting M gives the value;
/// subtracting M's bits gives the rounded value in binary16 steps (1024 + mantissa for a normal result, the mantissa
/// for a subnormal one, 2048 when the rounding carries into the next binade), to which the biased exponent
/// (e + 14) · 1024 adds exactly the binary16 pattern. The same bits as <see cref="ScalarConvert"/> for every such
/// input (all 2^31 finite binary32 magnitudes up to 65504 are checked in the tests).
/// </summary>
internal static class SlothfulFiniteHalf
{
    public const uint ExponentMask = 0x7F80_0000u;
    public const uint MagnitudeMask = 0x7FFF_FFFFu;
    public const uint SignMask = 0x8000_0000u;

    /// <summary>2^-14 as binary32 bits: the clamp that gives the subnormal binade binary16's smallest step.</summary>
    public const uint MinExponent = 113u << 23;

    /// <summary>M's exponent above the value's: 2^13, binary32's 23 fraction bits less binary16's 10.</summary>
    public const uint MagicOffset = 13u << 23;

    /// <summary>M's bits plus 113 · 1024 less the value's exponent bits, subtracted from |x| + M's bits.</summary>
    public const uint PatternOffset = MagicOffset + (113u << 10);

    /// <summary>Sign and magnitude bits of a sign-extended binary16 pattern shifted left by 13 (bits 28–30 are sign copies).</summary>
    public const int ScaledMask = unchecked((int)0x8FFF_E000);

    /// <summary>A sign-extended pattern shifted left by 17 keeps the 5 exponent bits on top: all ones from here up is ±∞ or NaN.</summary>
    public const uint NonFiniteSeen = 0xF800_0000u;

    /// <summary>2^112: binary32's exponent bias less binary16's.</summary>
    public const float ScaleUp = 5.192296858534828e33f;

    /// <summary>2^-112.</summary>
    public const float ScaleDown = 1.925929944387236e-34f;
}

/// <inheritdoc cref="ISlothfulHalfLanes{TV}"/>
internal readonly unsafe partial struct Lanes512 : ISlothfulHalfLanes<Vector512<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadScaled(byte* at, ref Vector512<float> seen)
    {
        Vector512<int> s = Vector512.WidenLower(Unsafe.ReadUnaligned<Vector256<short>>(at).ToVector512Unsafe());
        seen = Vector512.Max(seen.AsUInt32(), (s << 17).AsUInt32()).AsSingle();
        return ((s << 13) & Vector512.Create(SlothfulFiniteHalf.ScaledMask)).AsSingle();
    }

    public static bool SawNonFinite(Vector512<float> seen) =>
        Vector512.GreaterThanOrEqualAny(seen.AsUInt32(), Vector512.Create(SlothfulFiniteHalf.NonFiniteSeen));

    public static Vector512<float> ScaleUp(Vector512<float> scaled) => scaled * Vector512.Create(SlothfulFiniteHalf.ScaleUp);

    public static Vector512<float> TakeIfGreater(Vector512<float> e, Vector512<float> m) =>
        Avx512F.IsSupported ? Avx512F.Max(e, m) : Vector512.ConditionalSelect(Vector512.GreaterThan(e, m), e, m);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> RoundFinite(Vector512<float> value)
    {
        Vector512<uint> u = value.AsUInt32();
        Vector512<uint> exponent = Vector512.Max(u & Vector512.Create(SlothfulFiniteHalf.ExponentMask), Vector512.Create(SlothfulFiniteHalf.MinExponent));
        Vector512<float> magic = (exponent + Vector512.Create(SlothfulFiniteHalf.MagicOffset)).AsSingle();
        Vector512<float> r = ((u & Vector512.Create(SlothfulFiniteHalf.MagnitudeMask)).AsSingle() + magic) - magic;
        return (r.AsUInt32() | (u & Vector512.Create(SlothfulFiniteHalf.SignMask))).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreFinite(byte* at, Vector512<float> value)
    {
        Vector512<uint> u = value.AsUInt32();
        Vector512<uint> exponent = Vector512.Max(u & Vector512.Create(SlothfulFiniteHalf.ExponentMask), Vector512.Create(SlothfulFiniteHalf.MinExponent));
        Vector512<float> magic = (exponent + Vector512.Create(SlothfulFiniteHalf.MagicOffset)).AsSingle();
        Vector512<uint> sum = ((u & Vector512.Create(SlothfulFiniteHalf.MagnitudeMask)).AsSingle() + magic).AsUInt32();
        Vector512<uint> pattern = sum + ((exponent >> 13) - exponent - Vector512.Create(SlothfulFiniteHalf.PatternOffset));
        pattern |= (u >> 16) & Vector512.Create(0x8000u);

        // Vector512 is accelerated only with AVX-512 F/BW/CD/DQ/VL, so vpmovdw is there whenever this runs.
        Unsafe.WriteUnaligned(at, Avx512F.ConvertToVector256UInt16(pattern));
    }
}

/// <inheritdoc cref="ISlothfulHalfLanes{TV}"/>
internal readonly unsafe partial struct Lanes256 : ISlothfulHalfLanes<Vector256<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadScaled(byte* at, ref Vector256<float> seen)
    {
        Vector256<int> s = Vector256.WidenLower(Unsafe.ReadUnaligned<Vector128<short>>(at).ToVector256Unsafe());
        seen = Vector256.Max(seen.AsUInt32(), (s << 17).AsUInt32()).AsSingle();
        return ((s << 13) & Vector256.Create(SlothfulFiniteHalf.ScaledMask)).AsSingle();
    }

    public static bool SawNonFinite(Vector256<float> seen) =>
        Vector256.GreaterThanOrEqualAny(seen.AsUInt32(), Vector256.Create(SlothfulFiniteHalf.NonFiniteSeen));

    public static Vector256<float> ScaleUp(Vector256<float> scaled) => scaled * Vector256.Create(SlothfulFiniteHalf.ScaleUp);

    public static Vector256<float> TakeIfGreater(Vector256<float> e, Vector256<float> m) =>
        Avx.IsSupported ? Avx.Max(e, m) : Vector256.ConditionalSelect(Vector256.GreaterThan(e, m), e, m);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> RoundFinite(Vector256<float> value)
    {
        Vector256<uint> u = value.AsUInt32();
        Vector256<uint> exponent = Vector256.Max(u & Vector256.Create(SlothfulFiniteHalf.ExponentMask), Vector256.Create(SlothfulFiniteHalf.MinExponent));
        Vector256<float> magic = (exponent + Vector256.Create(SlothfulFiniteHalf.MagicOffset)).AsSingle();
        Vector256<float> r = ((u & Vector256.Create(SlothfulFiniteHalf.MagnitudeMask)).AsSingle() + magic) - magic;
        return (r.AsUInt32() | (u & Vector256.Create(SlothfulFiniteHalf.SignMask))).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreFinite(byte* at, Vector256<float> value)
    {
        Vector256<uint> u = value.AsUInt32();
        Vector256<uint> exponent = Vector256.Max(u & Vector256.Create(SlothfulFiniteHalf.ExponentMask), Vector256.Create(SlothfulFiniteHalf.MinExponent));
        Vector256<float> magic = (exponent + Vector256.Create(SlothfulFiniteHalf.MagicOffset)).AsSingle();
        Vector256<uint> sum = ((u & Vector256.Create(SlothfulFiniteHalf.MagnitudeMask)).AsSingle() + magic).AsUInt32();
        Vector256<uint> pattern = sum + ((exponent >> 13) - exponent - Vector256.Create(SlothfulFiniteHalf.PatternOffset));
        pattern |= (u >> 16) & Vector256.Create(0x8000u);
        if (Avx512F.VL.IsSupported)
        {
            Unsafe.WriteUnaligned(at, Avx512F.VL.ConvertToVector128UInt16(pattern));
        }
        else
        {
            Unsafe.WriteUnaligned(at, Vector256.Narrow(pattern, pattern).GetLower());
        }
    }
}

/// <inheritdoc cref="ISlothfulHalfLanes{TV}"/>
internal readonly unsafe partial struct Lanes128 : ISlothfulHalfLanes<Vector128<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LoadScaled(byte* at, ref Vector128<float> seen)
    {
        Vector128<int> s = Vector128.WidenLower(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(at)).AsInt16());
        seen = Vector128.Max(seen.AsUInt32(), (s << 17).AsUInt32()).AsSingle();
        return ((s << 13) & Vector128.Create(SlothfulFiniteHalf.ScaledMask)).AsSingle();
    }

    public static bool SawNonFinite(Vector128<float> seen) =>
        Vector128.GreaterThanOrEqualAny(seen.AsUInt32(), Vector128.Create(SlothfulFiniteHalf.NonFiniteSeen));

    public static Vector128<float> ScaleUp(Vector128<float> scaled) => scaled * Vector128.Create(SlothfulFiniteHalf.ScaleUp);

    public static Vector128<float> TakeIfGreater(Vector128<float> e, Vector128<float> m) =>
        Sse.IsSupported ? Sse.Max(e, m) : Vector128.ConditionalSelect(Vector128.GreaterThan(e, m), e, m);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> RoundFinite(Vector128<float> value)
    {
        Vector128<uint> u = value.AsUInt32();
        Vector128<uint> exponent = Vector128.Max(u & Vector128.Create(SlothfulFiniteHalf.ExponentMask), Vector128.Create(SlothfulFiniteHalf.MinExponent));
        Vector128<float> magic = (exponent + Vector128.Create(SlothfulFiniteHalf.MagicOffset)).AsSingle();
        Vector128<float> r = ((u & Vector128.Create(SlothfulFiniteHalf.MagnitudeMask)).AsSingle() + magic) - magic;
        return (r.AsUInt32() | (u & Vector128.Create(SlothfulFiniteHalf.SignMask))).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreFinite(byte* at, Vector128<float> value)
    {
        Vector128<uint> u = value.AsUInt32();
        Vector128<uint> exponent = Vector128.Max(u & Vector128.Create(SlothfulFiniteHalf.ExponentMask), Vector128.Create(SlothfulFiniteHalf.MinExponent));
        Vector128<float> magic = (exponent + Vector128.Create(SlothfulFiniteHalf.MagicOffset)).AsSingle();
        Vector128<uint> sum = ((u & Vector128.Create(SlothfulFiniteHalf.MagnitudeMask)).AsSingle() + magic).AsUInt32();
        Vector128<uint> pattern = sum + ((exponent >> 13) - exponent - Vector128.Create(SlothfulFiniteHalf.PatternOffset));
        pattern |= (u >> 16) & Vector128.Create(0x8000u);
        if (Avx512F.VL.IsSupported)
        {
            Unsafe.WriteUnaligned(at, Avx512F.VL.ConvertToVector128UInt16(pattern).AsUInt64().ToScalar());
        }
        else
        {
            Unsafe.WriteUnaligned(at, Vector128.Narrow(pattern, pattern).AsUInt64().ToScalar());
        }
    }
}
