using Fast.Kernels.Conversion;
using Fast.Kernels.Tests.Support;
using Xunit;

namespace Fast.Kernels.Tests.Conversion;

/// <summary>The scalar conversions against independent oracles: System.Half, and a nearest-value search in double.</summary>
[Trait("Isa", "Core")]
public class ScalarConvertTests
{
    [Fact]
    public void F16_widening_matches_System_Half_for_all_65536_patterns()
    {
        for (int h = 0; h < 65536; h++)
        {
            float expected = (float)BitConverter.UInt16BitsToHalf((ushort)h);
            float actual = ScalarConvert.F16ToSingle((ushort)h);
            // System.Half quiets signalling NaNs; we keep the payload bits. NaN payloads are unspecified (SPEC §2).
            Assert.True(Bits.SameF32(expected, actual), $"0x{h:X4}: {expected} vs {actual}");
        }
    }

    [Fact]
    public void F16_narrowing_matches_System_Half_on_edges_and_random_patterns()
    {
        foreach (uint u in NarrowingProbes())
        {
            float f = BitConverter.UInt32BitsToSingle(u);
            ushort expected = BitConverter.HalfToUInt16Bits((Half)f);
            ushort actual = ScalarConvert.SingleToF16(f);
            Assert.True(expected == actual, $"0x{u:X8} ({f:R}): expected 0x{expected:X4}, got 0x{actual:X4}");
        }
    }

    [Fact]
    public void BF16_widening_is_a_shift_for_all_65536_patterns()
    {
        for (int b = 0; b < 65536; b++)
        {
            Assert.Equal((uint)b << 16, BitConverter.SingleToUInt32Bits(ScalarConvert.BF16ToSingle((ushort)b)));
        }
    }

    [Fact]
    public void BF16_narrowing_rounds_to_the_nearest_even_value()
    {
        var oracle = new NearestOracle(65536, b => ScalarConvert.BF16ToSingle((ushort)b), overflowToInfinity: true);
        foreach (uint u in NarrowingProbes())
        {
            float f = BitConverter.UInt32BitsToSingle(u);
            CheckAgainst(oracle, f, ScalarConvert.BF16ToSingle(ScalarConvert.SingleToBF16(f)), u);
        }
    }

    [Fact]
    public void Fp8_widening_decodes_all_256_patterns()
    {
        for (int v = 0; v < 256; v++)
        {
            Assert.True(Bits.SameF32(DecodeMiniFloat(v, 4, 3, 7, hasInfinity: false), ScalarConvert.F8E4M3ToSingle((byte)v)), $"e4m3 0x{v:X2}");
            Assert.True(Bits.SameF32(DecodeMiniFloat(v, 5, 2, 15, hasInfinity: true), ScalarConvert.F8E5M2ToSingle((byte)v)), $"e5m2 0x{v:X2}");
        }

        Assert.Equal(448f, ScalarConvert.F8E4M3ToSingle(0x7E));
        Assert.True(float.IsNaN(ScalarConvert.F8E4M3ToSingle(0xFF)));
        Assert.Equal(57344f, ScalarConvert.F8E5M2ToSingle(0x7B));
        Assert.Equal(float.NegativeInfinity, ScalarConvert.F8E5M2ToSingle(0xFC));
    }

    [Fact]
    public void Fp8_round_trips_every_finite_pattern()
    {
        for (int v = 0; v < 256; v++)
        {
            float e4 = ScalarConvert.F8E4M3ToSingle((byte)v);
            if (!float.IsNaN(e4))
            {
                Assert.Equal((byte)v, ScalarConvert.SingleToF8E4M3(e4));
            }

            float e5 = ScalarConvert.F8E5M2ToSingle((byte)v);
            if (!float.IsNaN(e5))
            {
                Assert.Equal((byte)v, ScalarConvert.SingleToF8E5M2(e5));
            }
        }
    }

    [Fact]
    public void Fp8_narrowing_rounds_to_nearest_even_and_saturates()
    {
        var e4m3 = new NearestOracle(256, v => ScalarConvert.F8E4M3ToSingle((byte)v), overflowToInfinity: false);
        var e5m2 = new NearestOracle(256, v => ScalarConvert.F8E5M2ToSingle((byte)v), overflowToInfinity: false);
        foreach (uint u in NarrowingProbes())
        {
            float f = BitConverter.UInt32BitsToSingle(u);
            CheckAgainst(e4m3, f, ScalarConvert.F8E4M3ToSingle(ScalarConvert.SingleToF8E4M3(f)), u, saturateInfinityTo: 448f);
            float e5 = ScalarConvert.F8E5M2ToSingle(ScalarConvert.SingleToF8E5M2(f));
            if (float.IsInfinity(f))
            {
                Assert.Equal(f, e5); // e5m2 keeps infinities
            }
            else
            {
                CheckAgainst(e5m2, f, e5, u);
            }
        }

        Assert.Equal(0x7E, ScalarConvert.SingleToF8E4M3(1e30f));
        Assert.Equal(0xFE, ScalarConvert.SingleToF8E4M3(float.NegativeInfinity));
        Assert.Equal(0x7F, ScalarConvert.SingleToF8E4M3(float.NaN) & 0x7F);
        Assert.Equal(0x7B, ScalarConvert.SingleToF8E5M2(60000f));
        Assert.Equal(0x7C, ScalarConvert.SingleToF8E5M2(float.PositiveInfinity));
        Assert.True(float.IsNaN(ScalarConvert.F8E5M2ToSingle(ScalarConvert.SingleToF8E5M2(float.NaN))));
    }

    /// <summary>Edges of every format (around each representable value and midpoint) plus random patterns.</summary>
    internal static IEnumerable<uint> NarrowingProbes()
    {
        var rng = new Random(42);
        for (int i = 0; i < 200_000; i++)
        {
            yield return (uint)rng.NextInt64(0, 1L << 32);
        }

        foreach (float s in TestData.Specials)
        {
            yield return BitConverter.SingleToUInt32Bits(s);
        }

        // Every bf16/f16-adjacent neighbourhood: values, midpoints and their neighbours, both signs.
        for (uint hi = 0; hi < 0x8000; hi += 3)
        {
            uint b = hi << 16;
            foreach (uint d in new uint[] { 0, 1, 0x7FFF, 0x8000, 0x8001, 0xFFFF })
            {
                yield return b + d;
                yield return (b + d) | 0x8000_0000u;
            }
        }

        for (int h = 0; h < 0x7C00; h++)
        {
            uint f = BitConverter.SingleToUInt32Bits(ScalarConvert.F16ToSingle((ushort)h));
            uint ulpHalf = h < 0x400 ? 0u : 1u << 12;
            foreach (long d in new long[] { 0, 1, -1, ulpHalf, (long)ulpHalf - 1, (long)ulpHalf + 1 })
            {
                yield return (uint)(f + d);
            }
        }

        for (float f = 5.9604645e-08f; f < 1e-4f; f *= 1.37f)
        {
            yield return BitConverter.SingleToUInt32Bits(f);
            yield return BitConverter.SingleToUInt32Bits(f * 0.5f);
        }
    }

    private static void CheckAgainst(NearestOracle oracle, float input, float actual, uint bits, float saturateInfinityTo = float.NaN)
    {
        float expected = oracle.Nearest(input);
        if (!float.IsNaN(saturateInfinityTo) && float.IsInfinity(input))
        {
            expected = MathF.CopySign(saturateInfinityTo, input);
        }

        Assert.True(Bits.SameF32(expected, actual), $"0x{bits:X8} ({input:R}): expected {expected:R}, got {actual:R}");
    }

    private static float DecodeMiniFloat(int v, int exponentBits, int mantissaBits, int bias, bool hasInfinity)
    {
        int sign = (v >> (exponentBits + mantissaBits)) & 1;
        int e = (v >> mantissaBits) & ((1 << exponentBits) - 1);
        int m = v & ((1 << mantissaBits) - 1);
        int eMax = (1 << exponentBits) - 1;
        double magnitude;
        if (hasInfinity && e == eMax)
        {
            magnitude = m == 0 ? double.PositiveInfinity : double.NaN;
        }
        else if (!hasInfinity && e == eMax && m == (1 << mantissaBits) - 1)
        {
            magnitude = double.NaN;
        }
        else if (e == 0)
        {
            magnitude = m * Math.Pow(2, 1 - bias - mantissaBits);
        }
        else
        {
            magnitude = (1 + (m / (double)(1 << mantissaBits))) * Math.Pow(2, e - bias);
        }

        return (float)(sign == 1 ? -magnitude : magnitude);
    }

    /// <summary>
    /// Round to nearest, ties to the even code, by searching all representable values in double. With
    /// <c>overflowToInfinity</c>, values at or beyond max + ulp(max)/2 become infinity (IEEE); otherwise
    /// they saturate to ±max.
    /// </summary>
    private sealed class NearestOracle
    {
        private readonly double[] _values;
        private readonly int[] _codes;
        private readonly double _overflowAt;

        public NearestOracle(int codeCount, Func<int, float> decode, bool overflowToInfinity)
        {
            var pairs = new List<(double Value, int Code)>();
            for (int c = 0; c < codeCount; c++)
            {
                float v = decode(c);
                if (float.IsFinite(v) && BitConverter.SingleToUInt32Bits(v) >> 31 == 0)
                {
                    pairs.Add((v, c));
                }
            }

            pairs.Sort((p, q) => p.Value.CompareTo(q.Value));
            _values = pairs.Select(p => p.Value).ToArray();
            _codes = pairs.Select(p => p.Code).ToArray();
            double max = _values[^1];
            double ulp = max - _values[^2];
            _overflowAt = overflowToInfinity ? max + (ulp / 2) : double.PositiveInfinity;
        }

        public float Nearest(float input)
        {
            if (float.IsNaN(input))
            {
                return float.NaN;
            }

            double x = Math.Abs((double)input);
            double result;
            if (x >= _overflowAt)
            {
                result = double.PositiveInfinity;
            }
            else if (x >= _values[^1])
            {
                result = _values[^1];
            }
            else
            {
                int i = Array.BinarySearch(_values, x);
                if (i >= 0)
                {
                    result = _values[i];
                }
                else
                {
                    int hi = ~i;
                    int lo = hi - 1;
                    double dLo = x - _values[lo];
                    double dHi = _values[hi] - x;
                    result = dLo < dHi ? _values[lo] : dHi < dLo ? _values[hi] : (_codes[lo] % 2 == 0 ? _values[lo] : _values[hi]);
                }
            }

            return (float)(input < 0 || (input == 0 && float.IsNegative(input)) ? -result : result);
        }
    }
}
