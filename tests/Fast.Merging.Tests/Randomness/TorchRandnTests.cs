using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Fast.Kernels;
using Fast.Merging.Randomness;

namespace Fast.Merging.Tests.Randomness;

/// <summary>
/// torch's CPU <c>randn</c> against what /usr/bin/python3 (Debian torch 1.13) printed, not computed here:
/// <c>torch.manual_seed(seed)</c>, then <c>torch.randn(n, dtype=…)</c> for n = 3, 1, 16, 17, 40, 5, 1000, 2, 333 from
/// the one generator (small tensors take the cached second Box–Muller sample across calls; 17, 40, 1000 and 333 redraw
/// their last 16), every value widened to f32: the sha256 of the little-endian f32 bytes, the first value's bits and
/// the last of the 1000's. F32 was printed with <c>ATEN_CPU_CAPABILITY=default</c> (torch's portable kernel); F16 and
/// BF16 print the same under avx2 and default.
/// </summary>
public class TorchRandnTests
{
    private static readonly int[] s_sizes = [3, 1, 16, 17, 40, 5, 1000, 2, 333];

    [Theory]
    [InlineData(0u, ElementType.F16, "49c7eef169b910bcd56d20c7bfc3c512eebcf9d4468f5e12a5b8bd83174a8fa0", 1069891584u, 1068703744u)]
    [InlineData(0u, ElementType.BF16, "a1d2db07e609ee8e13791d1f46da68d87cb0b633a1c3457a808239c1370caf72", 1069875200u, 3208380416u)]
    [InlineData(0u, ElementType.F32, "e5b91a5a3d1798542953e529deccac5ebc312c2efd5eb79fc4b7a551b683e5b7", 1069891420u, 1050174144u)]
    [InlineData(42u, ElementType.F16, "b6e978f51e1b35103426089f3efac78a0ae2b7b38d79c12eb9a06eaba030e213", 1051484160u, 1056342016u)]
    [InlineData(42u, ElementType.BF16, "f6ea190f7e83540d84a4f5b5a62d4d437d1bd5dc31a0ab44e2d08b895ac96ee6", 1051459584u, 3200778240u)]
    [InlineData(42u, ElementType.F32, "471e5f1e1dc05a11ed4d73f8a778dde7dcb4b78e680e806706151d1dd79c7bc2", 1051484846u, 3204546970u)]
    [InlineData(4294967295u, ElementType.F16, "b8a99a6e7cb878d4e22af31fc458dfeb89f089fcdabbb2035a6fef61288f093d", 1067196416u, 3200638976u)]
    [InlineData(4294967295u, ElementType.BF16, "272ddac22b299d209fa5a3039858928a69dc5217abbc6019ccad1fe35c2694b6", 1067188224u, 1069154304u)]
    [InlineData(4294967295u, ElementType.F32, "f3deabb861326d22f47f42c6a57a150d7473a8fddd97c9a32344b5fc2109aab3", 1067196722u, 3171262927u)]
    public void Randn_after_manual_seed_gives_torchs_values(uint seed, ElementType type, string sha256, uint firstBits, uint lastOfThousandBits)
    {
        var generator = new TorchCpuGenerator(seed);
        var all = new List<float>();
        float[]? thousand = null;
        foreach (int n in s_sizes)
        {
            var values = new float[n];
            TorchRandn.Fill(generator, type, values);
            all.AddRange(values);
            if (n == 1000)
            {
                thousand = values;
            }
        }

        Assert.Equal(firstBits, BitConverter.SingleToUInt32Bits(all[0]));
        Assert.Equal(lastOfThousandBits, BitConverter.SingleToUInt32Bits(thousand![999]));
        Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(all)))));
    }

    [Theory]
    [InlineData(ElementType.F16)]
    [InlineData(ElementType.BF16)]
    [InlineData(ElementType.F32)]
    public void Advance_leaves_the_generator_where_drawing_would(ElementType type)
    {
        var drawn = new TorchCpuGenerator(7);
        var skipped = new TorchCpuGenerator(7);
        foreach (int n in s_sizes.Concat([624, 1248, 625, 7, 4000]))
        {
            TorchRandn.Fill(drawn, type, new float[n]);
            TorchRandn.Advance(skipped, type, n);
        }

        var a = new float[100];
        var b = new float[100];
        TorchRandn.Fill(drawn, type, a);
        TorchRandn.Fill(skipped, type, b);
        Assert.Equal(a, b);
        Assert.Equal(drawn.NextStandardNormal(), skipped.NextStandardNormal());
    }

    [Fact]
    public void A_clone_continues_the_same_stream_independently()
    {
        var generator = new TorchCpuGenerator(3);
        generator.NextStandardNormal(); // leaves a cached sample, which the clone must carry
        TorchCpuGenerator copy = generator.Clone();
        double first = generator.NextStandardNormal();
        Assert.Equal(first, copy.NextStandardNormal());
        Assert.Equal(generator.Engine.NextUInt32(), copy.Engine.NextUInt32());
    }
}
