using Xunit;

namespace Fast.Kernels.Gpu.Tests;

/// <summary>Widening to f32 and narrowing back, against .NET's Half and brute-force oracles.</summary>
public sealed class ConversionTests
{
    public static TheoryData<string> Backends => TestBackends.Names;

    [Theory]
    [MemberData(nameof(Backends))]
    public void F16_widening_is_exact_for_every_bit_pattern(string backendName)
    {
        var backend = TestBackends.Get(backendName);
        var raw = new byte[65536 * 2];
        for (int i = 0; i < 65536; i++)
        {
            BitConverter.TryWriteBytes(raw.AsSpan(i * 2), (ushort)i);
        }

        var actual = Widen(backend, raw, GpuElementType.F16);
        var expected = new float[65536];
        for (int i = 0; i < 65536; i++)
        {
            expected[i] = (float)BitConverter.UInt16BitsToHalf((ushort)i);
        }

        Bits.Equal(expected, actual, "f16 → f32");
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void BF16_widening_is_exact_for_every_bit_pattern(string backendName)
    {
        var backend = TestBackends.Get(backendName);
        var raw = new byte[65536 * 2];
        var expected = new float[65536];
        for (int i = 0; i < 65536; i++)
        {
            BitConverter.TryWriteBytes(raw.AsSpan(i * 2), (ushort)i);
            expected[i] = ScalarOracle.FromBFloat16((ushort)i);
        }

        Bits.Equal(expected, Widen(backend, raw, GpuElementType.BF16), "bf16 → f32");
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Fp8_widening_is_exact_for_every_bit_pattern(string backendName)
    {
        var backend = TestBackends.Get(backendName);
        foreach (var type in new[] { GpuElementType.F8E4M3, GpuElementType.F8E5M2 })
        {
            var raw = new byte[256];
            var expected = new float[256];
            for (int i = 0; i < 256; i++)
            {
                raw[i] = (byte)i;
                expected[i] = ScalarOracle.FromFp8((byte)i, type);
            }

            Bits.Equal(expected, Widen(backend, raw, type), $"{type} → f32");
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void F64_widening_rounds_to_nearest_f32_and_F32_round_trips(string backendName)
    {
        var backend = TestBackends.Get(backendName);
        var random = new Random(5);
        double[] doubles =
        [
            double.NaN, 0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, 1e-50, -1e-50, 1e300, 3.4028235677973366e38,
            3.4028235677973362e38, 1.401298464324817e-45, 7.006492321624085e-46, 7.006492321624087e-46, 1.0000000596046448, 1.0000000596046450,
        ];
        var values = doubles.Concat(Enumerable.Range(0, 300).Select(_ => (random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-160, 140)))).ToArray();
        var raw = new byte[values.Length * 8];
        Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
        Bits.Equal(values.Select(v => (float)v).ToArray(), Widen(backend, raw, GpuElementType.F64), "f64 → f32");

        var floats = TestValues.Make(300, 6);
        var floatBytes = new byte[floats.Length * 4];
        Buffer.BlockCopy(floats, 0, floatBytes, 0, floatBytes.Length);
        var roundTripped = Narrow(backend, Widen(backend, floatBytes, GpuElementType.F32), GpuElementType.F32);
        Assert.Equal(floatBytes, roundTripped);

        var widenedBack = new double[floats.Length];
        Buffer.BlockCopy(Narrow(backend, floats, GpuElementType.F64), 0, widenedBack, 0, floats.Length * 8);
        for (int i = 0; i < floats.Length; i++)
        {
            Assert.True(Bits.Same(floats[i], (float)widenedBack[i]) && (float.IsNaN(floats[i]) || widenedBack[i] == floats[i]), $"f32 → f64 at {i}");
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Narrowing_rounds_to_nearest_even_with_exact_special_values(string backendName)
    {
        var backend = TestBackends.Get(backendName);
        var values = NarrowingInputs();
        foreach (var type in new[] { GpuElementType.F16, GpuElementType.BF16, GpuElementType.F8E4M3, GpuElementType.F8E5M2 })
        {
            var bytes = Narrow(backend, values, type);
            for (int i = 0; i < values.Length; i++)
            {
                float expected = ScalarOracle.RoundThrough(values[i], type);
                float actual = type switch
                {
                    GpuElementType.F16 => (float)BitConverter.UInt16BitsToHalf(BitConverter.ToUInt16(bytes, i * 2)),
                    GpuElementType.BF16 => ScalarOracle.FromBFloat16(BitConverter.ToUInt16(bytes, i * 2)),
                    _ => ScalarOracle.FromFp8(bytes[i], type),
                };
                if (!Bits.Same(expected, actual))
                {
                    Assert.Fail($"{type}: {Bits.Describe(values[i])} expected {Bits.Describe(expected)} got {Bits.Describe(actual)}");
                }
            }
        }
    }

    [Fact]
    public void Fp8_narrowing_saturates_and_keeps_NaN()
    {
        var backend = TestBackends.Get("cpu");
        float[] values = [1e9f, float.PositiveInfinity, float.NegativeInfinity, 470f, -449f, 60000f, -1e30f, float.NaN];
        var e4m3 = Narrow(backend, values, GpuElementType.F8E4M3).Select(b => ScalarOracle.FromFp8(b, GpuElementType.F8E4M3)).ToArray();
        var e5m2 = Narrow(backend, values, GpuElementType.F8E5M2).Select(b => ScalarOracle.FromFp8(b, GpuElementType.F8E5M2)).ToArray();
        Assert.Equal([448f, 448f, -448f, 448f, -448f, 448f, -448f], e4m3[..7]);
        Assert.True(float.IsNaN(e4m3[7]));
        Assert.Equal([57344f, float.PositiveInfinity, float.NegativeInfinity, 448f, -448f, 57344f, -57344f], e5m2[..7]);
        Assert.True(float.IsNaN(e5m2[7]));
    }

    internal static float[] NarrowingInputs()
    {
        var random = new Random(11);
        var values = new List<float>(TestValues.Specials);

        // Random bit patterns cover every exponent; then exact halfway points of each narrow format.
        for (int i = 0; i < 20000; i++)
        {
            values.Add(BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32)));
        }

        for (int i = 0; i < 65536; i += 7)
        {
            uint bits = (uint)i << 16;
            values.Add(BitConverter.UInt32BitsToSingle(bits | 0x8000));
            values.Add(BitConverter.UInt32BitsToSingle(bits | 0x7FFF));
            values.Add(BitConverter.UInt32BitsToSingle(bits | 0x8001));
            uint halfBits = ((uint)i & 0xFFFF);
            float half = (float)BitConverter.UInt16BitsToHalf((ushort)halfBits);
            float nextHalf = (float)BitConverter.UInt16BitsToHalf((ushort)(halfBits + 1));
            if (float.IsFinite(half) && float.IsFinite(nextHalf))
            {
                float middle = (float)(((double)half + nextHalf) / 2);
                values.Add(middle);
                values.Add(BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(middle) + 1));
                values.Add(BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(middle) - 1));
            }
        }

        foreach (var type in new[] { GpuElementType.F8E4M3, GpuElementType.F8E5M2 })
        {
            for (int code = 0; code < 0xFF; code++)
            {
                double low = ScalarOracle.FromFp8((byte)code, type);
                double high = ScalarOracle.FromFp8((byte)(code + 1), type);
                if (double.IsFinite(low) && double.IsFinite(high) && (code & 0x7F) != 0x7F)
                {
                    float middle = (float)((low + high) / 2);
                    values.Add(middle);
                    values.Add(MathF.BitIncrement(middle));
                    values.Add(MathF.BitDecrement(middle));
                }
            }
        }

        return values.ToArray();
    }

    internal static float[] Widen(GpuMergeBackend backend, byte[] raw, GpuElementType type)
    {
        using var tensor = backend.Upload(raw, type);
        var result = new float[tensor.Length];
        backend.Download(tensor, result);
        return result;
    }

    internal static byte[] Narrow(GpuMergeBackend backend, float[] values, GpuElementType type)
    {
        using var tensor = backend.Upload(values);
        var bytes = new byte[values.Length * GpuMergeBackend.ElementSize(type)];
        backend.Download(tensor, type, bytes);
        return bytes;
    }
}
