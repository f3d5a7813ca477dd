namespace Fast.Kernels.Gpu.Kernels;

/// <summary>
/// Exact widening to f32 and round-to-nearest-even narrowing from f32, written with integer bit
/// manipulation so every backend (CUDA, CPU accelerator, host) produces the same bits, including
/// subnormals, signed zeros, infinities and NaN. NaN payloads are not preserved (SPEC §2).
/// </summary>
internal static class ElementConversions
{
    private const uint SignMask = 0x8000_0000;
    private const uint AbsMask = 0x7FFF_FFFF;
    private const uint PositiveInfinityBits = 0x7F80_0000;

    public static float HalfBitsToSingle<TMath>(ushort bits)
        where TMath : struct, IStrictMath
    {
        uint sign = (uint)(bits & 0x8000) << 16;
        uint exponent = (uint)(bits >> 10) & 0x1F;
        uint mantissa = bits & 0x3FFu;
        if (exponent == 0)
        {
            // Subnormal or zero: mantissa · 2^-24 is exact in f32 (a power-of-two scale of a small integer).
            float magnitude = default(TMath).Mul(mantissa, BitConverter.Int32BitsToSingle(0x3380_0000));
            return BitConverter.Int32BitsToSingle((int)(sign | (uint)BitConverter.SingleToInt32Bits(magnitude)));
        }

        if (exponent == 0x1F)
        {
            return BitConverter.Int32BitsToSingle((int)(sign | PositiveInfinityBits | (mantissa << 13)));
        }

        return BitConverter.Int32BitsToSingle((int)(sign | ((exponent + 112) << 23) | (mantissa << 13)));
    }

    public static ushort SingleToHalfBits(float value)
    {
        uint bits = (uint)BitConverter.SingleToInt32Bits(value);
        uint sign = (bits >> 16) & 0x8000;
        uint magnitude = bits & AbsMask;
        if (magnitude > PositiveInfinityBits)
        {
            return (ushort)(sign | 0x7E00);
        }

        // 65520 is the midpoint between the largest half (65504) and 2^16; ties go to the even side, infinity.
        if (magnitude >= 0x477F_F000)
        {
            return (ushort)(sign | 0x7C00);
        }

        if (magnitude < 0x3880_0000)
        {
            // Result is a half subnormal (or zero): count of 2^-24 units, rounded to nearest even.
            int exponent = (int)(magnitude >> 23);
            uint significand = (magnitude & 0x7F_FFFF) | (exponent == 0 ? 0u : 0x80_0000u);
            int shift = 126 - (exponent == 0 ? 1 : exponent);
            return (ushort)(sign | ShiftRightRoundEven(significand, shift));
        }

        uint rounded = ShiftRightRoundEven(magnitude, 13) - (112u << 10);
        return (ushort)(sign | rounded);
    }

    public static float BFloat16BitsToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    public static ushort SingleToBFloat16Bits(float value)
    {
        uint bits = (uint)BitConverter.SingleToInt32Bits(value);
        if ((bits & AbsMask) > PositiveInfinityBits)
        {
            // torch's round_to_nearest_even returns this canonical quiet NaN.
            return 0x7FC0;
        }

        uint roundingBias = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + roundingBias) >> 16);
    }

    public static float Fp8BitsToSingle<TMath>(byte bits, bool e5m2)
        where TMath : struct, IStrictMath
    {
        int mantissaBits = e5m2 ? 2 : 3;
        int bias = e5m2 ? 15 : 7;
        uint exponentMax = e5m2 ? 31u : 15u;
        uint sign = (uint)(bits & 0x80) << 24;
        uint exponent = (uint)(bits & 0x7F) >> mantissaBits;
        uint mantissa = bits & ((1u << mantissaBits) - 1);
        if (exponent == exponentMax && (e5m2 || mantissa == 7))
        {
            // e5m2 has infinities (mantissa 0) and NaNs; e4m3fn only has S.1111.111 as NaN.
            uint special = e5m2 && mantissa == 0 ? PositiveInfinityBits : 0x7FC0_0000u;
            return BitConverter.Int32BitsToSingle((int)(sign | special));
        }

        if (exponent == 0)
        {
            // Subnormal: mantissa · 2^(1 − bias − mantissaBits), exact in f32.
            float unit = BitConverter.Int32BitsToSingle((127 + 1 - bias - mantissaBits) << 23);
            float magnitude = default(TMath).Mul(mantissa, unit);
            return BitConverter.Int32BitsToSingle((int)(sign | (uint)BitConverter.SingleToInt32Bits(magnitude)));
        }

        uint f32Exponent = (uint)((int)exponent - bias + 127);
        return BitConverter.Int32BitsToSingle((int)(sign | (f32Exponent << 23) | (mantissa << (23 - mantissaBits))));
    }

    public static byte SingleToFp8Bits(float value, bool e5m2)
    {
        int mantissaBits = e5m2 ? 2 : 3;
        int bias = e5m2 ? 15 : 7;
        uint maxFinite = e5m2 ? 0x7Bu : 0x7Eu;
        uint bits = (uint)BitConverter.SingleToInt32Bits(value);
        uint sign = (bits >> 24) & 0x80;
        uint magnitude = bits & AbsMask;
        if (magnitude > PositiveInfinityBits)
        {
            return (byte)(sign | (e5m2 ? 0x7Eu : 0x7Fu));
        }

        if (magnitude == PositiveInfinityBits)
        {
            // e5m2 keeps infinities; e4m3fn has none, so it saturates like any other overflow.
            return (byte)(sign | (e5m2 ? 0x7Cu : maxFinite));
        }

        int exponent = (int)(magnitude >> 23) - 127;
        int minNormalExponent = 1 - bias;
        uint code;
        if (exponent > bias + 1)
        {
            code = maxFinite + 1;
        }
        else if (exponent >= minNormalExponent)
        {
            // Re-bias the exponent in place; a mantissa carry on rounding correctly bumps the exponent.
            uint rebiased = magnitude - ((uint)(127 - bias) << 23);
            code = ShiftRightRoundEven(rebiased, 23 - mantissaBits);
        }
        else
        {
            // fp8 subnormal: count of 2^(minNormalExponent − mantissaBits) units (f32 subnormals give 0).
            uint significand = (magnitude & 0x7F_FFFF) | (magnitude >= 0x80_0000 ? 0x80_0000u : 0u);
            int shift = 23 + minNormalExponent - mantissaBits - exponent;
            code = ShiftRightRoundEven(significand, shift);
        }

        return (byte)(sign | (code > maxFinite ? maxFinite : code));
    }

    /// <summary>f32 → <paramref name="elementType"/> → f32, i.e. <c>round_to_dtype(x)</c> of SPEC §3.</summary>
    public static float RoundThrough<TMath>(float value, int elementType)
        where TMath : struct, IStrictMath => elementType switch
        {
            (int)GpuElementType.F16 => HalfBitsToSingle<TMath>(SingleToHalfBits(value)),
            (int)GpuElementType.BF16 => BFloat16BitsToSingle(SingleToBFloat16Bits(value)),
            (int)GpuElementType.F8E4M3 => Fp8BitsToSingle<TMath>(SingleToFp8Bits(value, e5m2: false), e5m2: false),
            (int)GpuElementType.F8E5M2 => Fp8BitsToSingle<TMath>(SingleToFp8Bits(value, e5m2: true), e5m2: true),
            _ => value,
        };

    /// <summary><c>value / 2^shift</c> rounded to nearest, ties to even; shifts of 32 or more give 0.</summary>
    private static uint ShiftRightRoundEven(uint value, int shift)
    {
        if (shift <= 0)
        {
            return value;
        }

        if (shift >= 32)
        {
            return 0;
        }

        uint quotient = value >> shift;
        uint remainder = value & ((1u << shift) - 1);
        uint half = 1u << (shift - 1);
        return remainder > half || (remainder == half && (quotient & 1) != 0) ? quotient + 1 : quotient;
    }
}
