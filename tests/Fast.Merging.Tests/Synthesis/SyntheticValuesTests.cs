using System.Buffers.Binary;
using Fast.Merging.Architectures;
using Fast.Merging.Synthesis;

namespace Fast.Merging.Tests.Synthesis;

public class SyntheticValuesTests
{
    private static SynthesisPlan Plan(string dtype, ulong seed = 7) =>
        CheckpointSynthesizer.Plan(new SynthesisOptions { Architecture = ArchitectureId.Sd1, Scale = 8, DType = dtype, Seed = seed, IncludeSchedulerBuffers = true, IncludeEma = true });

    private static byte[] All(SynthesisPlan plan, SynthesizedTensor t)
    {
        var bytes = new byte[t.ByteSize];
        plan.Fill(t, 0, bytes);
        return bytes;
    }

    [Fact]
    public void Chunks_equal_the_whole_tensor_in_any_order()
    {
        var plan = Plan("F16");
        var t = plan.Tensors.First(x => x.ElementCount > 1000 && x.Content == SyntheticContent.Noise);
        var whole = All(plan, t);
        var pieces = new byte[whole.Length];
        const int chunk = 333;
        var starts = Enumerable.Range(0, (int)((t.ElementCount + chunk - 1) / chunk)).Reverse();
        foreach (var c in starts)
        {
            var first = (long)c * chunk;
            var n = (int)Math.Min(chunk, t.ElementCount - first);
            plan.Fill(t, first, pieces.AsSpan((int)(first * 2), n * 2));
        }

        Assert.Equal(whole, pieces);
    }

    [Fact]
    public void Values_depend_on_seed_and_name()
    {
        var a = Plan("F32", 1);
        var b = Plan("F32", 2);
        var t = a.Tensors.First(x => x.Content == SyntheticContent.Noise && x.ElementCount > 100);
        var u = a.Tensors.Last(x => x.Content == SyntheticContent.Noise && x.ElementCount == t.ElementCount && x.Name != t.Name);
        Assert.Equal(All(a, t), All(Plan("F32", 1), t));
        Assert.NotEqual(All(a, t), All(b, t));
        Assert.NotEqual(All(a, t), All(a, u));
    }

    [Fact]
    public void Noise_is_centred_with_the_intended_spread_and_norms_sit_at_one()
    {
        var plan = Plan("F32");
        var t = plan.Tensors.Where(x => x.Content == SyntheticContent.Noise).MaxBy(x => x.ElementCount)!;
        var values = Floats(All(plan, t));
        var mean = values.Average();
        var std = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
        Assert.InRange(mean, -0.001, 0.001);
        Assert.InRange(std, 0.019, 0.021);
        Assert.InRange(values.Max(), 0.02, 0.07);

        var norm = plan.Tensors.First(x => x.Name == "model.diffusion_model.out.0.weight");
        Assert.Equal(SyntheticContent.NormScale, norm.Content);
        Assert.InRange(Floats(All(plan, norm)).Average(), 0.99, 1.01);
    }

    [Fact]
    public void Half_and_bfloat_are_the_rounded_f32_values()
    {
        var f32 = Plan("F32");
        var f16 = Plan("F16");
        var bf16 = Plan("BF16");
        var i = f32.Tensors.ToList().FindIndex(x => x.Content == SyntheticContent.Noise && x.ElementCount > 100);
        var singles = Floats(All(f32, f32.Tensors[i]));
        var halves = All(f16, f16.Tensors[i]);
        var bfloats = All(bf16, bf16.Tensors[i]);
        for (var k = 0; k < singles.Length; k++)
        {
            Assert.Equal((Half)singles[k], BinaryPrimitives.ReadHalfLittleEndian(halves.AsSpan(k * 2)));
            var bf = BinaryPrimitives.ReadUInt16LittleEndian(bfloats.AsSpan(k * 2));
            var widened = BitConverter.UInt32BitsToSingle((uint)bf << 16);
            var next = BitConverter.UInt32BitsToSingle(((uint)bf + 1) << 16);
            var prev = BitConverter.UInt32BitsToSingle(((uint)bf - 1) << 16);
            Assert.True(Math.Abs(singles[k] - widened) <= Math.Abs(singles[k] - next) && Math.Abs(singles[k] - widened) <= Math.Abs(singles[k] - prev));
        }
    }

    [Theory]
    [InlineData(1.0f, 0x3F80)]
    [InlineData(1.00390625f, 0x3F80)] // exactly half an ulp above 1: ties to even (down)
    [InlineData(1.01171875f, 0x3F82)] // 1 + 3/256: tie between 0x3F81 and 0x3F82, even is 0x3F82
    [InlineData(-0.0f, 0x8000)]
    [InlineData(float.PositiveInfinity, 0x7F80)]
    [InlineData(3.4028235e38f, 0x7F80)] // rounds up to infinity
    public void Bfloat_rounding_is_nearest_even(float value, int expected) =>
        Assert.Equal((ushort)expected, BFloat16Rounding.FromSingle(value));

    [Fact]
    public void Bfloat_keeps_nan_a_nan()
    {
        var bits = BFloat16Rounding.FromSingle(BitConverter.UInt32BitsToSingle(0x7F800001));
        Assert.True(float.IsNaN(BitConverter.UInt32BitsToSingle((uint)bits << 16)));
    }

    [Fact]
    public void Special_tensors_hold_their_values()
    {
        var plan = Plan("F16");
        var ids = All(plan, plan.Tensors.Single(t => t.Content == SyntheticContent.PositionIds));
        Assert.Equal(Enumerable.Range(0, 77).Select(i => (long)i), Enumerable.Range(0, 77).Select(i => BinaryPrimitives.ReadInt64LittleEndian(ids.AsSpan(i * 8))));

        var cumprod = Floats(All(plan, plan.Tensors.Single(t => t.Name == "alphas_cumprod")));
        Assert.Equal(0.99915, cumprod[0], 5);
        Assert.Equal(0.00466, cumprod[999], 5);
        Assert.True(cumprod.Zip(cumprod.Skip(1)).All(p => p.First > p.Second));

        Assert.Equal(0.9999f, Floats(All(plan, plan.Tensors.Single(t => t.Name == KnownKeys.EmaDecay)))[0]);
        Assert.Equal(new byte[4], All(plan, plan.Tensors.Single(t => t.Name == KnownKeys.EmaNumUpdates)));
    }

    [Fact]
    public void Bad_ranges_are_rejected()
    {
        var plan = Plan("F16");
        var t = plan.Tensors[0];
        Assert.Throws<ArgumentException>(() => plan.Fill(t, 0, new byte[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => plan.Fill(t, t.ElementCount, new byte[2]));
    }

    private static float[] Floats(byte[] bytes) =>
        Enumerable.Range(0, bytes.Length / 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4))).ToArray();
}
