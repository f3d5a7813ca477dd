using System.Runtime.Intrinsics;
using Fast.Kernels.Attention;
using Fast.Kernels.Conversion;
using Xunit;

namespace Fast.Kernels.Tests.Attention;

/// <summary>
/// The pooling kernel's binary16 conversions against <see cref="ScalarConvert"/>, bit for bit (NaN payloads and
/// signalling NaNs included): widening for all 2^16 patterns, narrowing and in-register rounding for all 2^32
/// binary32 patterns at the widest width, and for a dense sample (every exponent, both signs, the rounding
/// boundaries) at each narrower width the machine has.
/// </summary>
public sealed class SlothfulHalfTests
{
    [Fact]
    [Trait("Isa", "Core")]
    public void Widening_matches_the_scalar_conversion_for_every_pattern()
    {
        for (int h = 0; h < 0x10000; h += 16)
        {
            var lanes = Vector512.Create(Enumerable.Range(h, 16).Select(i => (int)(short)i).ToArray());
            for (int i = 0; i < 16; i++)
            {
                uint expected = BitConverter.SingleToUInt32Bits(ScalarConvert.F16ToSingle((ushort)(h + i)));
                if (Vector512.IsHardwareAccelerated)
                {
                    Assert.Equal(expected, SlothfulHalf.Widen(lanes).AsUInt32()[i]);
                }

                if (Vector256.IsHardwareAccelerated)
                {
                    Assert.Equal(expected, SlothfulHalf.Widen(i < 8 ? lanes.GetLower() : lanes.GetUpper()).AsUInt32()[i % 8]);
                }

                if (Vector128.IsHardwareAccelerated)
                {
                    Vector128<int> quarter = (i / 4) switch
                    {
                        0 => lanes.GetLower().GetLower(),
                        1 => lanes.GetLower().GetUpper(),
                        2 => lanes.GetUpper().GetLower(),
                        _ => lanes.GetUpper().GetUpper(),
                    };
                    Assert.Equal(expected, SlothfulHalf.Widen(quarter).AsUInt32()[i % 4]);
                }
            }
        }
    }

    [Fact]
    public void Narrowing_and_rounding_match_the_scalar_conversion_for_every_binary32()
    {
        // 2^32 patterns in 256 slices over the cores; each slice compares whole vectors and looks closer only on a miss.
        string? firstMiss = null;
        Parallel.For(0, 256, slice =>
        {
            uint start = (uint)slice << 24;
            string? miss = Vector512.IsHardwareAccelerated ? Sweep512(start) : Vector256.IsHardwareAccelerated ? Sweep256(start) : Sweep128(start);
            if (miss is not null)
            {
                Interlocked.CompareExchange(ref firstMiss, miss, null);
            }
        });
        Assert.Null(firstMiss);
    }

    [Fact]
    [Trait("Isa", "Core")]
    public void Narrowing_and_rounding_match_at_every_width_on_a_dense_sample()
    {
        foreach (uint bits in Sample())
        {
            float x = BitConverter.UInt32BitsToSingle(bits);
            uint narrow = ScalarConvert.SingleToF16(x);
            uint round = BitConverter.SingleToUInt32Bits(ScalarConvert.F16ToSingle((ushort)narrow));
            if (Vector256.IsHardwareAccelerated)
            {
                Assert.Equal(narrow, SlothfulHalf.Narrow(Vector256.Create(x))[3]);
                Assert.Equal(round, SlothfulHalf.Round(Vector256.Create(x)).AsUInt32()[5]);
            }

            if (Vector128.IsHardwareAccelerated)
            {
                Assert.Equal(narrow, SlothfulHalf.Narrow(Vector128.Create(x))[1]);
                Assert.Equal(round, SlothfulHalf.Round(Vector128.Create(x)).AsUInt32()[2]);
            }
        }
    }

    /// <summary>Every exponent with both signs, mantissas near the binary16 rounding points, and random ones.</summary>
    private static IEnumerable<uint> Sample()
    {
        var rng = new Random(7);
        for (uint sign = 0; sign <= 1; sign++)
        {
            for (uint exponent = 0; exponent < 256; exponent++)
            {
                for (uint low = 0; low < 64; low++)
                {
                    foreach (uint mantissa in new[] { low, 0x1000u + low - 32, 0x2000u + low - 32, 0x7FFFFFu - low, (uint)rng.Next(1 << 23) })
                    {
                        yield return (sign << 31) | (exponent << 23) | (mantissa & 0x7FFFFF);
                    }
                }
            }
        }
    }

    private static string? Sweep512(uint start)
    {
        Vector512<uint> lanes = Vector512.Create(start) + Vector512<uint>.Indices;
        for (int i = 0; i < (1 << 24) / 16; i++, lanes += Vector512.Create(16u))
        {
            Vector512<float> x = lanes.AsSingle();
            Vector512<uint> narrow = HalfLanes.SingleToF16(x);
            if (SlothfulHalf.Narrow(x) != narrow || SlothfulHalf.Round(x).AsUInt32() != HalfLanes.F16ToSingle(narrow).AsUInt32())
            {
                return Closer(lanes.ToScalar(), 16);
            }
        }

        return null;
    }

    private static string? Sweep256(uint start)
    {
        Vector256<uint> lanes = Vector256.Create(start) + Vector256<uint>.Indices;
        for (int i = 0; i < (1 << 24) / 8; i++, lanes += Vector256.Create(8u))
        {
            Vector256<float> x = lanes.AsSingle();
            Vector256<uint> narrow = HalfLanes.SingleToF16(x);
            if (SlothfulHalf.Narrow(x) != narrow || SlothfulHalf.Round(x).AsUInt32() != HalfLanes.F16ToSingle(narrow).AsUInt32())
            {
                return Closer(lanes.ToScalar(), 8);
            }
        }

        return null;
    }

    private static string? Sweep128(uint start)
    {
        // Without any accelerated width the vector code is not what pools (the scalar path is): the sample suffices.
        int step = Vector128.IsHardwareAccelerated ? 1 : 4099;
        Vector128<uint> lanes = Vector128.Create(start) + (Vector128<uint>.Indices * Vector128.Create((uint)step));
        for (long i = 0; i < (1L << 24) / (4 * step); i++, lanes += Vector128.Create(4u * (uint)step))
        {
            Vector128<float> x = lanes.AsSingle();
            Vector128<uint> narrow = HalfLanes.SingleToF16(x);
            if (SlothfulHalf.Narrow(x) != narrow || SlothfulHalf.Round(x).AsUInt32() != HalfLanes.F16ToSingle(narrow).AsUInt32())
            {
                return Closer(lanes.ToScalar(), 4 * step);
            }
        }

        return null;
    }

    /// <summary>The first pattern of [first, first + count) where a conversion differs from the scalar oracle.</summary>
    private static string? Closer(uint first, int count)
    {
        for (uint u = first; u < first + (uint)count; u++)
        {
            float x = BitConverter.UInt32BitsToSingle(u);
            uint narrow = ScalarConvert.SingleToF16(x);
            uint round = BitConverter.SingleToUInt32Bits(ScalarConvert.F16ToSingle((ushort)narrow));
            uint gotNarrow = SlothfulHalf.Narrow(Vector128.Create(x))[0];
            uint gotRound = SlothfulHalf.Round(Vector128.Create(x)).AsUInt32()[0];
            if (gotNarrow != narrow || gotRound != round)
            {
                return $"0x{u:X8}: narrow 0x{gotNarrow:X4} (scalar 0x{narrow:X4}), round 0x{gotRound:X8} (scalar 0x{round:X8})";
            }
        }

        return $"a vector of [0x{first:X8}, +{count}) differs from the oracle, though each pattern alone at 128 bits does not";
    }
}
