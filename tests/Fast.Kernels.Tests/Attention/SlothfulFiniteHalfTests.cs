using System.Runtime.Intrinsics;
using Fast.Kernels;
using Fast.Kernels.Attention;
using Fast.Kernels.Conversion;
using Fast.Kernels.Tests.Support;
using Xunit;

namespace Fast.Kernels.Tests.Attention;

/// <summary>
/// The finite-input binary16 path (<see cref="SlothfulHalfKernel"/>): its lane operations against
/// <see cref="ScalarConvert"/> and <see cref="HalfLanes"/> bit for bit (widening for all 2^16 patterns at every
/// width, rounding and narrowing for every finite binary32 up to 65504 at the widest width and a dense sample at the
/// others), and whole pools against the scalar transcription of the spec on inputs made to reach its edges: rows
/// with ±∞ and NaNs among finite rows (those rows fall back), subnormal-heavy rows (the scaled space's subnormals),
/// ±0 ties, and the general kernel alone, so both stay held to the spec.
/// </summary>
public sealed class SlothfulFiniteHalfTests
{
    [Fact]
    [Trait("Isa", "Core")]
    public void Scaled_widening_is_exact_for_finite_patterns_and_flags_the_others()
    {
        for (int h = 0; h < 0x10000; h++)
        {
            ushort pattern = (ushort)h;
            byte[] lanes = Enumerable.Repeat(BitConverter.GetBytes(pattern), 16).SelectMany(b => b).ToArray();
            bool finite = (h & 0x7C00) != 0x7C00;
            uint expected = BitConverter.SingleToUInt32Bits(ScalarConvert.F16ToSingle(pattern));
            foreach ((uint bits, bool flagged) in Widened(lanes))
            {
                Assert.Equal(!finite, flagged);
                if (finite)
                {
                    Assert.Equal(expected, bits);
                }
            }
        }
    }

    [Fact]
    public void Rounding_and_narrowing_match_the_scalar_conversion_for_every_finite_binary32_up_to_65504()
    {
        // 0x477FE000 is 65504; both signs. Each slice compares whole vectors and looks closer only on a miss.
        const uint Last = 0x477F_E000u;
        const int Slices = 256;
        string? firstMiss = null;
        Parallel.For(0, Slices, slice =>
        {
            uint start = (uint)((ulong)(Last + 1) * (ulong)slice / Slices), end = (uint)((ulong)(Last + 1) * (ulong)(slice + 1) / Slices);
            string? miss = Sweep(start, end) ?? Sweep(start | 0x8000_0000u, end | 0x8000_0000u);
            if (miss is not null)
            {
                Interlocked.CompareExchange(ref firstMiss, miss, null);
            }
        });
        Assert.Null(firstMiss);
    }

    [Fact]
    [Trait("Isa", "Core")]
    public void Rounding_and_narrowing_match_at_every_width_on_a_dense_sample()
    {
        var rng = new Random(3);
        for (uint sign = 0; sign <= 1; sign++)
        {
            for (uint exponent = 0; exponent <= 142; exponent++)
            {
                for (uint low = 0; low < 64; low++)
                {
                    foreach (uint mantissa in new[] { low, 0x1000u + low - 32, 0x2000u + low - 32, 0x7FFFFFu - low, (uint)rng.Next(1 << 23) })
                    {
                        uint bits = (sign << 31) | (exponent << 23) | (mantissa & 0x7FFFFF);
                        float x = BitConverter.UInt32BitsToSingle(bits);
                        if (Math.Abs(x) > 65504f)
                        {
                            continue;
                        }

                        ushort narrow = ScalarConvert.SingleToF16(x);
                        uint round = BitConverter.SingleToUInt32Bits(ScalarConvert.F16ToSingle(narrow));
                        foreach ((ushort stored, uint rounded) in Narrowed(x))
                        {
                            Assert.Equal(narrow, stored);
                            Assert.Equal(round, rounded);
                        }
                    }
                }
            }
        }
    }

    [Fact]
    [Trait("Isa", "Core")]
    public void Take_if_greater_is_the_float_step_with_ties_keeping_the_running_value()
    {
        (float E, float M)[] cases = [(0f, -0f), (-0f, 0f), (1f, 1f), (2f, 1f), (1f, 2f), (-3f, -4f), (1e-40f, 0f), (-1e-40f, -0f)];
        foreach ((float e, float m) in cases)
        {
            uint expected = BitConverter.SingleToUInt32Bits(e > m ? e : m);
            if (Vector512.IsHardwareAccelerated)
            {
                Assert.Equal(expected, Lanes512.TakeIfGreater(Vector512.Create(e), Vector512.Create(m)).AsUInt32()[7]);
            }

            if (Vector256.IsHardwareAccelerated)
            {
                Assert.Equal(expected, Lanes256.TakeIfGreater(Vector256.Create(e), Vector256.Create(m)).AsUInt32()[3]);
            }

            if (Vector128.IsHardwareAccelerated)
            {
                Assert.Equal(expected, Lanes128.TakeIfGreater(Vector128.Create(e), Vector128.Create(m)).AsUInt32()[1]);
            }
        }
    }

    [Fact]
    public void This_process_keeps_subnormals()
    {
        // .NET never sets DAZ/FTZ; the fast path depends on it, and the probe must see it.
        Assert.True(SlothfulDenormals.AreHonoured());
    }

    public static TheoryData<SlothfulMode, LerpPolicy, int> Modes()
    {
        var data = new TheoryData<SlothfulMode, LerpPolicy, int>();
        foreach (SlothfulMode m in Enum.GetValues<SlothfulMode>())
        {
            foreach (LerpPolicy l in Enum.GetValues<LerpPolicy>())
            {
                foreach (int threads in new[] { 1, 2 })
                {
                    data.Add(m, l, threads);
                }
            }
        }

        return data;
    }

    [Theory]
    [Trait("Isa", "Core")]
    [MemberData(nameof(Modes))]
    public void Rows_with_infinities_or_nans_fall_back_and_the_others_match(SlothfulMode mode, LerpPolicy lerp, int threads)
    {
        // C = 45 reaches every vector width and the scalar tail. A few tokens hold ±∞ or a NaN, in one channel each,
        // so most rows are finite; subnormals, ±0 and values near 65504 are spread over the rest.
        const int B = 2, H = 18, W = 20, C = 45;
        var rng = new Random(29);
        float[] x = SlothfulBuffers.Random(ElementType.F16, B * H * W * C, 31);
        float[] specials = [float.PositiveInfinity, float.NegativeInfinity, float.NaN, -float.NaN];
        float[] edges = [0f, -0f, 6.1035156e-05f, -6.1035156e-05f, 5.9604645e-08f, -5.9604645e-08f, 3.0517578e-05f, 65504f, -65504f, 65472f];
        for (int i = 0; i < x.Length; i++)
        {
            int roll = rng.Next(1000);
            x[i] = roll < 3 ? specials[rng.Next(specials.Length)] : roll < 150 ? edges[rng.Next(edges.Length)] : x[i];
        }

        AssertPoolsMatch(mode, lerp, threads, x, B, H, W, C, finiteHalfPath: true);
    }

    [Theory]
    [Trait("Isa", "Core")]
    [MemberData(nameof(Modes))]
    public void Subnormal_heavy_rows_match(SlothfulMode mode, LerpPolicy lerp, int threads)
    {
        // Magnitudes from 2^-24 to 2^-10: the scaled sums cross between binary32 subnormals and normals, and the
        // averages, lerps and stores land on both sides of binary16's smallest normal.
        const int B = 1, H = 12, W = 16, C = 37;
        var rng = new Random(41);
        float[] x = Enumerable.Range(0, B * H * W * C)
            .Select(_ => SlothfulScalarReference.Round(ElementType.F16, (float)((rng.Next(2) * 2 - 1) * Math.Pow(2, -24 + (rng.NextDouble() * 14)))))
            .ToArray();
        AssertPoolsMatch(mode, lerp, threads, x, B, H, W, C, finiteHalfPath: true);
    }

    [Theory]
    [Trait("Isa", "Core")]
    [MemberData(nameof(Modes))]
    public void The_general_kernel_alone_matches(SlothfulMode mode, LerpPolicy lerp, int threads)
    {
        // What rows with non-finite inputs and threads without subnormals run: held to the spec on ordinary inputs too.
        const int B = 2, H = 18, W = 20, C = 45;
        float[] x = SlothfulBuffers.Random(ElementType.F16, B * H * W * C, 43);
        AssertPoolsMatch(mode, lerp, threads, x, B, H, W, C, finiteHalfPath: false);
    }

    private static void AssertPoolsMatch(SlothfulMode mode, LerpPolicy lerp, int threads, float[] x, int b, int h, int w, int c, bool finiteHalfPath)
    {
        byte[] stored = SlothfulBuffers.Store(ElementType.F16, x);
        foreach (double stride in new[] { 2.0, 5.86, 12.0 })
        {
            foreach ((double kb, double vb) in new[] { (0.3, 0.3), (0.7, 0.25), (1.0, 0.0), (0.5, 0.0) })
            {
                SlothfulPlan plan = SlothfulPlan.ForStride(stride, mode, kb, vb, h * w, (h, w), SlothfulCompat.Fixed);
                (float[] ek, float[] ev) = SlothfulScalarReference.Pool(plan, ElementType.F16, x, b, c, lerp == LerpPolicy.Fused);
                byte[] k = new byte[SlothfulPooling.OutputElements(plan, b, c) * 2];
                byte[] v = new byte[k.Length];
                SlothfulPooling.Pool(plan, ElementType.F16, stored, b, c, k, v, lerp, threads, finiteHalfPath);
                string ctx = $"{mode} stride {stride} k{kb} v{vb} {lerp} threads {threads} finite path {finiteHalfPath}";
                Bits.AssertSame(ek, SlothfulBuffers.Load(ElementType.F16, k), ctx + " K");
                Bits.AssertSame(plan.VSameAsK ? ek : ev, SlothfulBuffers.Load(ElementType.F16, v), ctx + " V");
            }
        }
    }

    /// <summary>ScaleUp(LoadScaled) of 16 copies of one pattern at every accelerated width: lane 0's bits and whether it was flagged.</summary>
    private static unsafe List<(uint Bits, bool Flagged)> Widened(byte[] lanes)
    {
        var results = new List<(uint, bool)>();
        fixed (byte* p = lanes)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                Vector512<float> seen = default;
                results.Add((Lanes512.ScaleUp(Lanes512.LoadScaled(p, ref seen)).AsUInt32()[0], Lanes512.SawNonFinite(seen)));
            }

            if (Vector256.IsHardwareAccelerated)
            {
                Vector256<float> seen = default;
                results.Add((Lanes256.ScaleUp(Lanes256.LoadScaled(p, ref seen)).AsUInt32()[5], Lanes256.SawNonFinite(seen)));
            }

            if (Vector128.IsHardwareAccelerated)
            {
                Vector128<float> seen = default;
                results.Add((Lanes128.ScaleUp(Lanes128.LoadScaled(p, ref seen)).AsUInt32()[3], Lanes128.SawNonFinite(seen)));
            }
        }

        return results;
    }

    /// <summary>StoreFinite's pattern and RoundFinite's value for x at every accelerated width.</summary>
    private static unsafe List<(ushort Stored, uint Rounded)> Narrowed(float x)
    {
        var results = new List<(ushort, uint)>();
        ushort* stored = stackalloc ushort[16];
        if (Vector512.IsHardwareAccelerated)
        {
            Lanes512.StoreFinite((byte*)stored, Vector512.Create(x));
            results.Add((stored[9], Lanes512.RoundFinite(Vector512.Create(x)).AsUInt32()[9]));
        }

        if (Vector256.IsHardwareAccelerated)
        {
            Lanes256.StoreFinite((byte*)stored, Vector256.Create(x));
            results.Add((stored[6], Lanes256.RoundFinite(Vector256.Create(x)).AsUInt32()[6]));
        }

        if (Vector128.IsHardwareAccelerated)
        {
            Lanes128.StoreFinite((byte*)stored, Vector128.Create(x));
            results.Add((stored[2], Lanes128.RoundFinite(Vector128.Create(x)).AsUInt32()[2]));
        }

        return results;
    }

    /// <summary>Patterns [start, end) at the widest width against <see cref="HalfLanes"/>; null, or the first miss described.</summary>
    private static unsafe string? Sweep(uint start, uint end)
    {
        ushort* stored = stackalloc ushort[16];
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<uint> lanes = Vector512.Create(start) + Vector512<uint>.Indices;
            for (uint at = start; at < end; at += 16, lanes += Vector512.Create(16u))
            {
                Vector512<float> x = Vector512.Min(lanes, Vector512.Create(end - 1)).AsSingle();
                Vector512<uint> narrow = HalfLanes.SingleToF16(x);
                Lanes512.StoreFinite((byte*)stored, x);
                if (Vector512.WidenLower(Vector256.Load(stored).ToVector512Unsafe()) != narrow
                    || Lanes512.RoundFinite(x).AsUInt32() != HalfLanes.F16ToSingle(narrow).AsUInt32())
                {
                    return Closer(at, Math.Min(end, at + 16));
                }
            }

            return null;
        }

        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<uint> lanes = Vector256.Create(start) + Vector256<uint>.Indices;
            for (uint at = start; at < end; at += 8, lanes += Vector256.Create(8u))
            {
                Vector256<float> x = Vector256.Min(lanes, Vector256.Create(end - 1)).AsSingle();
                Vector256<uint> narrow = HalfLanes.SingleToF16(x);
                Lanes256.StoreFinite((byte*)stored, x);
                if (Vector256.WidenLower(Vector128.Load(stored).ToVector256Unsafe()) != narrow
                    || Lanes256.RoundFinite(x).AsUInt32() != HalfLanes.F16ToSingle(narrow).AsUInt32())
                {
                    return Closer(at, Math.Min(end, at + 8));
                }
            }

            return null;
        }

        // Without 256-bit vectors the sample test covers the 128-bit path; with no SIMD the path does not run.
        return null;
    }

    private static string? Closer(uint from, uint to)
    {
        for (uint bits = from; bits < to; bits++)
        {
            float x = BitConverter.UInt32BitsToSingle(bits);
            ushort expected = ScalarConvert.SingleToF16(x);
            foreach ((ushort stored, uint rounded) in Narrowed(x))
            {
                if (stored != expected || rounded != BitConverter.SingleToUInt32Bits(ScalarConvert.F16ToSingle(expected)))
                {
                    return $"0x{bits:X8}: expected 0x{expected:X4}, stored 0x{stored:X4}, rounded 0x{rounded:X8}";
                }
            }
        }

        return $"a vector from 0x{from:X8} differs but no lane does alone";
    }
}
