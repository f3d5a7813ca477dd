using System.Runtime.Intrinsics;
using Fast.Kernels.Conversion;
using Fast.Kernels.Tests.Support;
using Xunit;

namespace Fast.Kernels.Tests.Conversion;

/// <summary>The public (vectorised) conversions are bit-identical to the scalar oracle at every length.</summary>
[Trait("Isa", "Core")]
public class VectorConvertTests
{
    public static TheoryData<ElementType> Types => new() { ElementType.F16, ElementType.BF16, ElementType.F32, ElementType.F64, ElementType.F8E4M3, ElementType.F8E5M2 };

    [Fact]
    public void F16_and_BF16_widening_of_all_65536_patterns_matches_scalar()
    {
        var bytes = new byte[65536 * 2];
        for (int i = 0; i < 65536; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 2), (ushort)i);
        }

        var widened = new float[65536];
        ElementConvert.Widen(bytes, ElementType.F16, widened);
        for (int i = 0; i < 65536; i++)
        {
            Assert.Equal(BitConverter.SingleToUInt32Bits(ScalarConvert.F16ToSingle((ushort)i)), BitConverter.SingleToUInt32Bits(widened[i]));
        }

        ElementConvert.Widen(bytes, ElementType.BF16, widened);
        for (int i = 0; i < 65536; i++)
        {
            Assert.Equal((uint)i << 16, BitConverter.SingleToUInt32Bits(widened[i]));
        }
    }

    [Fact]
    public void F16_lanes_of_every_width_match_scalar_and_System_Half_for_all_65536_patterns()
    {
        // Each width called directly, whatever the machine accelerates (a width it lacks runs the software fallback,
        // which the ISA matrix also exercises), and each pattern in a different lane position from one width to the next.
        var lanes = new uint[65536];
        for (int i = 0; i < lanes.Length; i++)
        {
            lanes[i] = (uint)i;
        }

        var by512 = new float[65536];
        var by256 = new float[65536];
        var by128 = new float[65536];
        for (int i = 0; i < lanes.Length; i += 16)
        {
            HalfLanes.F16ToSingle(Vector512.Create(lanes.AsSpan(i, 16))).CopyTo(by512.AsSpan(i, 16));
        }

        for (int i = 0; i < lanes.Length; i += 8)
        {
            HalfLanes.F16ToSingle(Vector256.Create(lanes.AsSpan(i, 8))).CopyTo(by256.AsSpan(i, 8));
        }

        for (int i = 0; i < lanes.Length; i += 4)
        {
            HalfLanes.F16ToSingle(Vector128.Create(lanes.AsSpan(i, 4))).CopyTo(by128.AsSpan(i, 4));
        }

        int nanCount = 0, subnormalCount = 0;
        for (int h = 0; h < 65536; h++)
        {
            uint expected = IndependentF16ToSingleBits((ushort)h);
            nanCount += (h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0 ? 1 : 0;
            subnormalCount += (h & 0x7C00) == 0 && (h & 0x3FF) != 0 ? 1 : 0;
            Assert.True(expected == BitConverter.SingleToUInt32Bits(ScalarConvert.F16ToSingle((ushort)h)), $"scalar 0x{h:X4}");
            Assert.True(expected == BitConverter.SingleToUInt32Bits(by512[h]), $"512 0x{h:X4}: 0x{expected:X8} vs 0x{BitConverter.SingleToUInt32Bits(by512[h]):X8}");
            Assert.True(expected == BitConverter.SingleToUInt32Bits(by256[h]), $"256 0x{h:X4}: 0x{expected:X8} vs 0x{BitConverter.SingleToUInt32Bits(by256[h]):X8}");
            Assert.True(expected == BitConverter.SingleToUInt32Bits(by128[h]), $"128 0x{h:X4}: 0x{expected:X8} vs 0x{BitConverter.SingleToUInt32Bits(by128[h]):X8}");
        }

        // The classes the conversion special-cases were all present: 2·1023 NaN patterns (sign × payload, signalling
        // ones included) and 2·1023 subnormals.
        Assert.Equal(2 * 1023, nanCount);
        Assert.Equal(2 * 1023, subnormalCount);
    }

    [Fact]
    public void F16_narrowing_lanes_of_every_width_match_scalar_and_System_Half_on_a_structured_set_and_10_million_random_patterns()
    {
        uint[] structured = StructuredNarrowingPatterns();
        CheckNarrowingOfEveryWidth(structured);
        var random = new Random(2026);
        var chunk = new uint[1 << 20];
        for (int done = 0; done < 10_000_000; done += chunk.Length)
        {
            for (int i = 0; i < chunk.Length; i++)
            {
                chunk[i] = (uint)random.NextInt64(0, 1L << 32);
            }

            CheckNarrowingOfEveryWidth(chunk);
        }
    }

    /// <summary>
    /// Every binary32 exponent × the mantissas where binary16 rounding changes (around the kept LSB, the round bit and
    /// the sticky bits, the ends) × both signs; ±0, ±inf, quiet and signalling NaNs with payloads in the kept and the
    /// dropped bits; every tie between neighbouring binary16 values (subnormal ones included, 65504/65536 → 65520 among
    /// them) and one float ulp either side of it.
    /// </summary>
    private static uint[] StructuredNarrowingPatterns()
    {
        var patterns = new List<uint>();
        uint[] mantissas = [0, 1, 2, 0x0FFF, 0x1000, 0x1001, 0x1FFF, 0x2000, 0x2001, 0x2FFF, 0x3000, 0x3001, 0x40_0000, 0x40_1000, 0x7F_E000, 0x7F_EFFF, 0x7F_F000, 0x7F_F001, 0x7F_FFFF];
        for (uint exponent = 0; exponent < 256; exponent++)
        {
            foreach (uint mantissa in mantissas)
            {
                patterns.Add((exponent << 23) | mantissa);
            }
        }

        patterns.AddRange([0x7F80_0001u, 0x7FA0_0000u, 0x7FBF_E000u, 0x7FC0_0000u, 0x7FC0_1FFFu, 0x7FFF_FFFFu, 0x7F80_2000u, 0x7F80_1FFFu]);
        for (int h = 0; h < 0x7C00; h++)
        {
            double tie = ((double)ScalarConvert.F16ToSingle((ushort)h) + ScalarConvert.F16ToSingle((ushort)(h + 1))) / 2;
            uint tieBits = BitConverter.SingleToUInt32Bits((float)tie);
            Assert.Equal(tie, (double)BitConverter.UInt32BitsToSingle(tieBits)); // every tie is a binary32 value
            patterns.AddRange([tieBits - 1, tieBits, tieBits + 1]);
        }

        int count = patterns.Count;
        for (int i = 0; i < count; i++)
        {
            patterns.Add(patterns[i] | 0x8000_0000u);
        }

        while (patterns.Count % 16 != 0)
        {
            patterns.Add(0x3C00_0000u); // whole vectors only, so no pattern above is left out
        }

        return patterns.ToArray();
    }

    private static void CheckNarrowingOfEveryWidth(uint[] patterns)
    {
        int n = patterns.Length;
        Assert.Equal(0, n % 16);
        var by512 = new uint[n];
        var by256 = new uint[n];
        var by128 = new uint[n];
        for (int i = 0; i < n; i += 16)
        {
            HalfLanes.SingleToF16(Vector512.Create(patterns.AsSpan(i, 16)).AsSingle()).CopyTo(by512.AsSpan(i, 16));
        }

        for (int i = 0; i < n; i += 8)
        {
            HalfLanes.SingleToF16(Vector256.Create(patterns.AsSpan(i, 8)).AsSingle()).CopyTo(by256.AsSpan(i, 8));
        }

        for (int i = 0; i < n; i += 4)
        {
            HalfLanes.SingleToF16(Vector128.Create(patterns.AsSpan(i, 4)).AsSingle()).CopyTo(by128.AsSpan(i, 4));
        }

        for (int i = 0; i < n; i++)
        {
            float value = BitConverter.UInt32BitsToSingle(patterns[i]);
            ushort scalar = ScalarConvert.SingleToF16(value);
            ushort half = BitConverter.HalfToUInt16Bits((Half)value);
            if (scalar != half || by512[i] != scalar || by256[i] != scalar || by128[i] != scalar)
            {
                Assert.Fail($"0x{patterns[i]:X8}: System.Half 0x{half:X4}, scalar 0x{scalar:X4}, 512 0x{by512[i]:X}, 256 0x{by256[i]:X}, 128 0x{by128[i]:X}");
            }
        }
    }

    /// <summary>
    /// The widening's contract from outside the code under test: System.Half's value for every non-NaN pattern, and for
    /// NaN the rule FastMerge keeps (System.Half would quiet signalling NaNs): sign, all-ones exponent, the 10 payload
    /// bits moved up 13, nothing else set.
    /// </summary>
    private static uint IndependentF16ToSingleBits(ushort h)
    {
        bool isNaN = (h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0;
        return isNaN
            ? ((uint)(h & 0x8000) << 16) | 0x7F80_0000u | ((uint)(h & 0x3FF) << 13)
            : BitConverter.SingleToUInt32Bits((float)BitConverter.UInt16BitsToHalf(h));
    }

    [Fact]
    public void Narrowing_of_probe_patterns_matches_scalar_bit_for_bit()
    {
        float[] values = ScalarConvertTests.NarrowingProbes().Select(BitConverter.UInt32BitsToSingle).ToArray();
        var f16 = new byte[values.Length * 2];
        var bf16 = new byte[values.Length * 2];
        var e4 = new byte[values.Length];
        var e5 = new byte[values.Length];
        ElementConvert.Narrow(values, f16, ElementType.F16);
        ElementConvert.Narrow(values, bf16, ElementType.BF16);
        ElementConvert.Narrow(values, e4, ElementType.F8E4M3);
        ElementConvert.Narrow(values, e5, ElementType.F8E5M2);
        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal(ScalarConvert.SingleToF16(values[i]), BitConverter.ToUInt16(f16, i * 2));
            Assert.Equal(ScalarConvert.SingleToBF16(values[i]), BitConverter.ToUInt16(bf16, i * 2));
            Assert.Equal(ScalarConvert.SingleToF8E4M3(values[i]), e4[i]);
            Assert.Equal(ScalarConvert.SingleToF8E5M2(values[i]), e5[i]);
        }
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void Every_length_0_to_257_matches_scalar(ElementType type)
    {
        int size = ElementTypeInfo.SizeOf(type);
        for (int n = 0; n <= 257; n++)
        {
            float[] values = TestData.Random(n, seed: n);
            var stored = new byte[n * size];
            ElementConvert.Narrow(values, stored, type);
            var widened = new float[n];
            ElementConvert.Widen(stored, type, widened);
            for (int i = 0; i < n; i++)
            {
                byte[] one = new byte[size];
                NarrowOne(values[i], one, type);
                Assert.True(one.AsSpan().SequenceEqual(stored.AsSpan(i * size, size)), $"{type} n={n} i={i} value={values[i]:R}");
                Assert.True(Bits.SameF32(WidenOne(one, type), widened[i]), $"{type} widen n={n} i={i}");
            }
        }
    }

    [Fact]
    public void F64_widening_rounds_to_nearest_float()
    {
        double[] doubles = [1.0 + 1e-12, 0.1, -1e-46, 1e-45, 3.4028235677973366e38, 1e300, -1e300, double.NaN, -0.0, 2.0000001192092896];
        var bytes = new byte[doubles.Length * 8];
        Buffer.BlockCopy(doubles, 0, bytes, 0, bytes.Length);
        var widened = new float[doubles.Length];
        ElementConvert.Widen(bytes, ElementType.F64, widened);
        for (int i = 0; i < doubles.Length; i++)
        {
            Assert.True(Bits.SameF32((float)doubles[i], widened[i]), $"{doubles[i]:R}");
        }
    }

    [Fact]
    public void Convert_goes_through_binary32_and_rejects_bad_lengths()
    {
        float[] values = TestData.Random(300, seed: 5);
        var f16 = new byte[600];
        ElementConvert.Narrow(values, f16, ElementType.F16);
        var bf16 = new byte[600];
        ElementConvert.Convert(f16, ElementType.F16, bf16, ElementType.BF16);
        var expected = new float[300];
        ElementConvert.Widen(f16, ElementType.F16, expected);
        var viaF32 = new byte[600];
        ElementConvert.Narrow(expected, viaF32, ElementType.BF16);
        Assert.Equal(viaF32, bf16);

        Assert.Throws<ArgumentException>(() => ElementConvert.Widen(new byte[3], ElementType.F16, new float[1]));
        Assert.Throws<ArgumentException>(() => ElementConvert.Narrow(new float[2], new byte[2], ElementType.F16));
    }

    private static void NarrowOne(float value, Span<byte> one, ElementType type)
    {
        switch (type)
        {
            case ElementType.F16: BitConverter.TryWriteBytes(one, ScalarConvert.SingleToF16(value)); break;
            case ElementType.BF16: BitConverter.TryWriteBytes(one, ScalarConvert.SingleToBF16(value)); break;
            case ElementType.F32: BitConverter.TryWriteBytes(one, value); break;
            case ElementType.F64: BitConverter.TryWriteBytes(one, (double)value); break;
            case ElementType.F8E4M3: one[0] = ScalarConvert.SingleToF8E4M3(value); break;
            case ElementType.F8E5M2: one[0] = ScalarConvert.SingleToF8E5M2(value); break;
        }
    }

    private static float WidenOne(ReadOnlySpan<byte> one, ElementType type) => type switch
    {
        ElementType.F16 => ScalarConvert.F16ToSingle(BitConverter.ToUInt16(one)),
        ElementType.BF16 => ScalarConvert.BF16ToSingle(BitConverter.ToUInt16(one)),
        ElementType.F32 => BitConverter.ToSingle(one),
        ElementType.F64 => (float)BitConverter.ToDouble(one),
        ElementType.F8E4M3 => ScalarConvert.F8E4M3ToSingle(one[0]),
        _ => ScalarConvert.F8E5M2ToSingle(one[0]),
    };
}
