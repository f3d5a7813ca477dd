using System.Runtime.CompilerServices;

namespace Fast.Kernels.Conversion;

/// <summary>
/// One element at a time, written for clarity: the oracle every vectorised conversion is tested against,
/// and the tail path of the vectorised loops. All narrowing rounds to nearest, ties to even.
/// </summary>
internal static class ScalarConvert
{
    private const uint SignBit = 0x8000_0000u;
    private const uint AbsMask = 0x7FFF_FFFFu;
    private const uint SingleInfinityBits = 0x7F80_0000u;

    // ---------------- binary16 ----------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float F16ToSingle(ushort h)
    {
        uint sign = (uint)(h & 0x8000) << 16;
        uint bits = (uint)(h & 0x7FFF);
        uint shifted = bits << 13;
        float magnitude;
        if (bits >= 0x7C00)
        {
            magnitude = BitConverter.UInt32BitsToSingle(shifted | SingleInfinityBits);
        }
        else if (bits >= 0x0400)
        {
            // Rebias the exponent from 15 to 127.
            magnitude = BitConverter.UInt32BitsToSingle(shifted + 0x3800_0000u);
        }
        else
        {
            // Subnormal (or zero): m·2^-24 is exact in binary32.
            magnitude = bits * (1.0f / 16777216.0f);
        }

        return BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(magnitude) | sign);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort SingleToF16(float value)
    {
        uint u = BitConverter.SingleToUInt32Bits(value);
        uint sign = (u >> 16) & 0x8000;
        uint a = u & AbsMask;
        uint h;
        if (a > SingleInfinityBits)
        {
            // Quiet NaN keeping the top payload bits, as System.Half does.
            h = 0x7E00 | ((a >> 13) & 0x3FF);
        }
        else if (a >= 0x477F_F000u)
        {
            // 65520 and above round to infinity (65520 is the tie between 65504 and 65536; even is 65536).
            h = 0x7C00;
        }
        else if (a >= 0x3880_0000u)
        {
            h = (a - 0x3800_0000u + 0x0FFFu + ((a >> 13) & 1)) >> 13;
        }
        else
        {
            h = RoundSubnormal(a, SubnormalMagicF16);
        }

        return (ushort)(h | sign);
    }

    // ---------------- bfloat16 ----------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float BF16ToSingle(ushort b) => BitConverter.UInt32BitsToSingle((uint)b << 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort SingleToBF16(float value)
    {
        uint u = BitConverter.SingleToUInt32Bits(value);
        if ((u & AbsMask) > SingleInfinityBits)
        {
            return (ushort)((u >> 16) | 0x0040); // quiet the NaN; the payload's top bits survive
        }

        return (ushort)((u + 0x7FFFu + ((u >> 16) & 1)) >> 16);
    }

    // ---------------- fp8 e4m3fn ----------------

    public static float F8E4M3ToSingle(byte v)
    {
        uint sign = (uint)(v & 0x80) << 24;
        int bits = v & 0x7F;
        float magnitude;
        if (bits == 0x7F)
        {
            magnitude = float.NaN;
        }
        else if (bits >= 0x08)
        {
            // Rebias exponent from 7 to 127 and move the 3 mantissa bits to the top of 23.
            magnitude = BitConverter.UInt32BitsToSingle(((uint)bits << 20) + (120u << 23));
        }
        else
        {
            magnitude = bits * (1.0f / 512.0f);
        }

        return BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(magnitude) | sign);
    }

    /// <summary>Saturating: ±Inf and finite values beyond ±448 become ±448; NaN becomes 0x7F (with the sign).</summary>
    public static byte SingleToF8E4M3(float value)
    {
        uint u = BitConverter.SingleToUInt32Bits(value);
        uint sign = (u >> 24) & 0x80;
        uint a = u & AbsMask;
        uint r;
        if (a > SingleInfinityBits)
        {
            r = 0x7F;
        }
        else if (a >= 0x43E0_0000u)
        {
            r = 0x7E; // 448 and above (and +Inf) saturate to 448
        }
        else if (a >= 0x3C80_0000u)
        {
            // Normal range (>= 2^-6): rebias 127 -> 7, keep 3 mantissa bits, round to nearest even.
            r = (a - (120u << 23) + 0x7FFFFu + ((a >> 20) & 1)) >> 20;
            if (r > 0x7E)
            {
                r = 0x7E; // a value rounding up past 448 would land on the NaN code; saturate instead
            }
        }
        else
        {
            r = RoundSubnormal(a, SubnormalMagicE4M3);
        }

        return (byte)(r | sign);
    }

    // ---------------- fp8 e5m2 ----------------

    public static float F8E5M2ToSingle(byte v) => F16ToSingle((ushort)(v << 8));

    /// <summary>Finite values beyond ±57344 saturate to ±57344; ±Inf stays infinite; NaN stays NaN (0x7E with the sign).</summary>
    public static byte SingleToF8E5M2(float value)
    {
        uint u = BitConverter.SingleToUInt32Bits(value);
        uint sign = (u >> 24) & 0x80;
        uint a = u & AbsMask;
        uint r;
        if (a > SingleInfinityBits)
        {
            r = 0x7E;
        }
        else if (a == SingleInfinityBits)
        {
            r = 0x7C;
        }
        else if (a >= 0x3880_0000u)
        {
            // Normal range (>= 2^-14): rebias 127 -> 15, keep 2 mantissa bits, round to nearest even.
            r = (a - (112u << 23) + 0xFFFFFu + ((a >> 21) & 1)) >> 21;
            if (r > 0x7B)
            {
                r = 0x7B;
            }
        }
        else
        {
            r = RoundSubnormal(a, SubnormalMagicE5M2);
        }

        return (byte)(r | sign);
    }

    // ---------------- binary64 ----------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float F64ToSingle(double value) => (float)value;

    // Adding 2^(s+23), where 2^s is the format's smallest subnormal, makes the FPU round |x| to a multiple of
    // 2^s with ties to even; the low bits of the sum then count those multiples, up to the smallest normal.
    internal const uint SubnormalMagicF16 = (127u - 1) << 23;   // 2^-1 = 2^(-24+23)
    internal const uint SubnormalMagicE4M3 = (127u + 14) << 23; // 2^14 = 2^(-9+23)
    internal const uint SubnormalMagicE5M2 = (127u + 7) << 23;  // 2^7 = 2^(-16+23)

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint RoundSubnormal(uint absBits, uint magicBits)
    {
        float magic = BitConverter.UInt32BitsToSingle(magicBits);
        float sum = BitConverter.UInt32BitsToSingle(absBits) + magic;
        return BitConverter.SingleToUInt32Bits(sum) - magicBits;
    }
}
