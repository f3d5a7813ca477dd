using System.Runtime.Intrinsics;
using Fast.Kernels.Conversion;
using Xunit;

namespace Fast.Kernels.Tests.Conversion;

/// <summary>
/// The paired binary16 conversions used by the fused fp16 kernels equal <see cref="ScalarConvert"/> bit for bit
/// (NaN payloads included), at every width and in both halves of a lane. In the ISA matrix the same code runs
/// with the x86 MINPS path switched off, which exercises the portable clamp.
/// </summary>
[Trait("Isa", "Core")]
public class HalfPairsTests
{
    [Fact]
    public void Widening_all_65536_patterns_in_both_halves_matches_scalar()
    {
        for (int h = 0; h < 65536; h += 16)
        {
            // Lane k holds pattern h+k in its low half and a different pattern (h+k)^0x5A5A in its high half.
            var even = new uint[16];
            var odd = new uint[16];
            var pairs = new uint[16];
            for (int k = 0; k < 16; k++)
            {
                even[k] = (uint)(h + k);
                odd[k] = (uint)((h + k) ^ 0x5A5A);
                pairs[k] = even[k] | (odd[k] << 16);
            }

            AssertWidened(even, odd, HalfPairs.WidenEven(Vector512.Create(pairs)), HalfPairs.WidenOdd(Vector512.Create(pairs)), 16);
            AssertWidened(even, odd, HalfPairs.WidenEven(Vector256.Create(pairs)), HalfPairs.WidenOdd(Vector256.Create(pairs)), 8);
            AssertWidened(even, odd, HalfPairs.WidenEven(Vector128.Create(pairs)), HalfPairs.WidenOdd(Vector128.Create(pairs)), 4);

            bool anySpecial = even.Any(IsNotNormal) || odd.Any(IsNotNormal);
            Assert.Equal(anySpecial, HalfPairs.AnyNotNormal(Vector512.Create(pairs), Vector512.Create(0x3C00_3C00u)));
            Assert.Equal(anySpecial, HalfPairs.AnyNotNormal(Vector512.Create(0x3C00_3C00u), Vector512.Create(pairs)));
            Assert.Equal(anySpecial, HalfPairs.AnyNotNormal(Vector512.Create(0x3C00_3C00u), Vector512.Create(0xBC00_3C00u), Vector512.Create(pairs)));
            if (!anySpecial)
            {
                AssertWidened(even, odd, HalfPairs.WidenEvenFinite(Vector512.Create(pairs)), HalfPairs.WidenOddFinite(Vector512.Create(pairs)), 16);
            }

            // Vector256 sees each half of the 16 lanes on its own.
            for (int part = 0; part < 2; part++)
            {
                uint[] lanes = pairs[(part * 8)..((part * 8) + 8)];
                uint[] evenPart = even[(part * 8)..((part * 8) + 8)];
                uint[] oddPart = odd[(part * 8)..((part * 8) + 8)];
                bool partSpecial = evenPart.Any(IsNotNormal) || oddPart.Any(IsNotNormal);
                Assert.Equal(partSpecial, HalfPairs.AnyNotNormal(Vector256.Create(lanes), Vector256.Create(0x3C00_BC00u)));
                Assert.Equal(partSpecial, HalfPairs.AnyNotNormal(Vector256.Create(0x3C00_BC00u), Vector256.Create(lanes)));
                Assert.Equal(partSpecial, HalfPairs.AnyNotNormal(Vector256.Create(0x3C00_BC00u), Vector256.Create(0x3C00_BC00u), Vector256.Create(lanes)));
                Assert.Equal(partSpecial, HalfPairs.AnyNotNormal(Vector256.Create(lanes), Vector256.Create(0x3C00_BC00u), Vector256.Create(0x3C00_BC00u)));
                if (!partSpecial)
                {
                    AssertWidened(evenPart, oddPart, HalfPairs.WidenEvenFinite(Vector256.Create(lanes)), HalfPairs.WidenOddFinite(Vector256.Create(lanes)), 8);
                }
            }
        }
    }

    [Fact]
    public void Narrowing_and_round_trip_of_probe_patterns_match_scalar()
    {
        uint[] probes = [.. ScalarConvertTests.NarrowingProbes()];
        for (int start = 0; start + 32 <= probes.Length; start += 32)
        {
            var even = new float[16];
            var odd = new float[16];
            for (int k = 0; k < 16; k++)
            {
                even[k] = BitConverter.UInt32BitsToSingle(probes[start + k]);
                odd[k] = BitConverter.UInt32BitsToSingle(probes[start + 16 + k]);
            }

            AssertNarrowed(even, odd, HalfPairs.Narrow(Vector512.Create(even), Vector512.Create(odd)), 16);
            AssertNarrowed(even, odd, HalfPairs.Narrow(Vector256.Create(even), Vector256.Create(odd)), 8);
            AssertNormalRangeNarrowing(even[..8], odd[..8]);
            AssertNormalRangeNarrowing(even[8..], odd[8..]);
            AssertNarrowed(even, odd, HalfPairs.Narrow(Vector128.Create(even), Vector128.Create(odd)), 4);
            AssertRoundTrip(even, HalfPairs.RoundTrip(Vector512.Create(even)), 16);
            AssertRoundTrip(odd, HalfPairs.RoundTrip(Vector256.Create(odd)), 8);
            AssertRoundTrip(even, HalfPairs.RoundTrip(Vector128.Create(even)), 4);
        }
    }

    [Fact]
    public void Normal_range_narrowing_matches_scalar_at_the_range_edges()
    {
        // Magnitudes straddling 2^-14 and 65520, the edges of the integer-rounding path, with both signs.
        uint[] edges = [0x3880_0000u, 0x387F_FFFFu, 0x387F_F000u, 0x3880_0001u, 0x477F_EFFFu, 0x477F_F000u, 0x477F_E000u, 0x3F80_0FFFu, 0x3F80_1000u, 0x3F80_3000u];
        foreach (uint e in edges)
        {
            foreach (uint sign in new[] { 0u, 0x8000_0000u })
            {
                float[] even = [.. Enumerable.Repeat(1f, 8)];
                float[] odd = [.. Enumerable.Repeat(-2.5f, 8)];
                even[3] = BitConverter.UInt32BitsToSingle(e | sign);
                odd[5] = BitConverter.UInt32BitsToSingle(e ^ sign ^ 0x8000_0000u);
                AssertNormalRangeNarrowing(even, odd);
            }
        }
    }

    /// <summary>The range test answers whether every lane rounds to a normal half; when it does, the integer narrowing is exact.</summary>
    private static void AssertNormalRangeNarrowing(float[] even, float[] odd)
    {
        static bool Normal(float v) => MathF.Abs(v) >= 6.1035156e-05f && MathF.Abs(v) < 65520f;
        bool inRange = even.All(Normal) && odd.All(Normal);
        Assert.Equal(inRange, HalfPairs.InNormalRange(Vector256.Create(even), Vector256.Create(odd)));
        if (inRange)
        {
            AssertNarrowed(even, odd, HalfPairs.NarrowNormal(Vector256.Create(even), Vector256.Create(odd)), 8);
        }
    }

    /// <summary>Zero, subnormal, Inf or NaN: the halves that must take the exact widening.</summary>
    private static bool IsNotNormal(uint half) => (half & 0x7C00) is 0 or 0x7C00;

    private static void AssertWidened<TVector>(uint[] even, uint[] odd, TVector evenValues, TVector oddValues, int count)
        where TVector : struct
    {
        float[] e = Elements(evenValues, count);
        float[] o = Elements(oddValues, count);
        for (int k = 0; k < count; k++)
        {
            Assert.True(BitConverter.SingleToUInt32Bits(ScalarConvert.F16ToSingle((ushort)even[k])) == BitConverter.SingleToUInt32Bits(e[k]), $"even 0x{even[k]:X4} width {count * 32}");
            Assert.True(BitConverter.SingleToUInt32Bits(ScalarConvert.F16ToSingle((ushort)odd[k])) == BitConverter.SingleToUInt32Bits(o[k]), $"odd 0x{odd[k]:X4} width {count * 32}");
        }
    }

    private static void AssertNarrowed<TVector>(float[] even, float[] odd, TVector pairs, int count)
        where TVector : struct
    {
        uint[] p = Elements<TVector, uint>(pairs, count);
        for (int k = 0; k < count; k++)
        {
            Assert.True(ScalarConvert.SingleToF16(even[k]) == (ushort)p[k], $"even 0x{BitConverter.SingleToUInt32Bits(even[k]):X8} width {count * 32}");
            Assert.True(ScalarConvert.SingleToF16(odd[k]) == (ushort)(p[k] >> 16), $"odd 0x{BitConverter.SingleToUInt32Bits(odd[k]):X8} width {count * 32}");
        }
    }

    private static void AssertRoundTrip<TVector>(float[] values, TVector rounded, int count)
        where TVector : struct
    {
        float[] r = Elements(rounded, count);
        for (int k = 0; k < count; k++)
        {
            uint expected = BitConverter.SingleToUInt32Bits(ScalarConvert.F16ToSingle(ScalarConvert.SingleToF16(values[k])));
            Assert.True(expected == BitConverter.SingleToUInt32Bits(r[k]), $"0x{BitConverter.SingleToUInt32Bits(values[k]):X8} width {count * 32}");
        }
    }

    private static float[] Elements<TVector>(TVector vector, int count)
        where TVector : struct => Elements<TVector, float>(vector, count);

    private static TElement[] Elements<TVector, TElement>(TVector vector, int count)
        where TVector : struct
        where TElement : struct
    {
        var values = new TElement[count];
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, TElement>(
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(new ReadOnlySpan<TVector>(ref vector))).CopyTo(values);
        return values;
    }
}
