using System.Runtime.Intrinsics;
using Fast.Kernels.Attention;
using Fast.Kernels.Conversion;
using Xunit;

namespace Fast.Kernels.Tests.Attention;

/// <summary>
/// The 16-bit max step against torch's float step on the widened values, for every (held, next) pair of binary16
/// and of bfloat16 patterns: the same element is kept, and the held key stays the key of the kept element, so a
/// window of any length folds to the float result by induction. NaNs of both signs, ±0 and ±∞ are all in the pairs.
/// </summary>
public sealed class SlothfulHalfMaxTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_integer_step_takes_what_the_float_step_takes_for_every_pair(bool f16)
    {
        short infinity = f16 ? SlothfulHalfMax.Infinity<SlothfulF16Codec>() : SlothfulHalfMax.Infinity<BF16Codec>();
        string? firstMiss = null;
        Parallel.For(0, 0x10000, held =>
        {
            var best0 = Vector256.Create((short)held);
            Vector256<short> key0 = SlothfulHalfMax.Held(SlothfulHalfMax.Key(best0, infinity));
            Vector256<float> heldLow = Widen(best0.GetLower(), f16), heldHigh = heldLow;
            for (int e = 0; e < 0x10000; e += 16)
            {
                Vector256<short> next = Vector256.Create((short)e) + Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
                Vector256<short> best = best0, bestKey = key0;
                SlothfulHalfMax.Step(ref best, ref bestKey, next, infinity);
                Vector256<float> expectLow = FloatStep(heldLow, Widen(next.GetLower(), f16));
                Vector256<float> expectHigh = FloatStep(heldHigh, Widen(next.GetUpper(), f16));
                bool same = Widen(best.GetLower(), f16).AsUInt32() == expectLow.AsUInt32()
                    && Widen(best.GetUpper(), f16).AsUInt32() == expectHigh.AsUInt32()
                    && bestKey == SlothfulHalfMax.Held(SlothfulHalfMax.Key(best, infinity));
                if (!same)
                {
                    Interlocked.CompareExchange(ref firstMiss, $"held 0x{held:X4}, next 0x{e:X4}..+15", null);
                    return;
                }
            }
        });
        Assert.Null(firstMiss);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_128_bit_step_folds_windows_as_the_scalar_float_steps_do(bool f16)
    {
        short infinity = f16 ? SlothfulHalfMax.Infinity<SlothfulF16Codec>() : SlothfulHalfMax.Infinity<BF16Codec>();
        ushort[] specials = f16
            ? [0, 0x8000, 0x7C00, 0xFC00, 0x7C01, 0x7E00, 0xFE00, 0xFFFF, 0x7BFF, 0x0001, 0x8001]
            : [0, 0x8000, 0x7F80, 0xFF80, 0x7F81, 0x7FC0, 0xFFC0, 0xFFFF, 0x7F7F, 0x0001, 0x8001];
        var rng = new Random(3);
        const int Length = 6;
        for (int i = 0; i < 20000; i++)
        {
            // Eight lanes, each its own window of six elements, half of them special values.
            var window = new ushort[Length][];
            for (int j = 0; j < Length; j++)
            {
                window[j] = Enumerable.Range(0, 8).Select(_ => rng.Next(2) == 0 ? specials[rng.Next(specials.Length)] : (ushort)rng.Next(0x10000)).ToArray();
            }

            Vector128<short> best = Vector128.Create(window[0]).AsInt16();
            Vector128<short> bestKey = SlothfulHalfMax.Held(SlothfulHalfMax.Key(best, infinity));
            for (int j = 1; j < Length; j++)
            {
                SlothfulHalfMax.Step(ref best, ref bestKey, Vector128.Create(window[j]).AsInt16(), infinity);
            }

            for (int lane = 0; lane < 8; lane++)
            {
                float expected = float.NegativeInfinity;
                for (int j = 0; j < Length; j++)
                {
                    float e = ToSingle(window[j][lane], f16);
                    expected = e > expected || float.IsNaN(e) ? e : expected;
                }

                Assert.Equal(BitConverter.SingleToUInt32Bits(expected), BitConverter.SingleToUInt32Bits(ToSingle((ushort)best[lane], f16)));
            }
        }
    }

    private static float ToSingle(ushort h, bool f16) => f16 ? ScalarConvert.F16ToSingle(h) : ScalarConvert.BF16ToSingle(h);

    private static Vector256<float> Widen(Vector128<short> h, bool f16)
    {
        Vector256<uint> lanes = Vector256.WidenLower(h.AsUInt16().ToVector256Unsafe());
        return f16 ? HalfLanes.F16ToSingle(lanes) : HalfLanes.BF16ToSingle(lanes);
    }

    /// <summary>torch's step as the float kernel writes it: take e where e &gt; m or e is NaN.</summary>
    private static Vector256<float> FloatStep(Vector256<float> m, Vector256<float> e) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(e, m) | ~Vector256.Equals(e, e), e, m);
}
