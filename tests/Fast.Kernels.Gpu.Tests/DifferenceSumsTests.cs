using Xunit;

namespace Fast.Kernels.Gpu.Tests;

/// <summary>The diff report's per-block sums on the device: the bits of <see cref="DifferenceReductions.BlockSums"/>.</summary>
public sealed class DifferenceSumsTests
{
    public static TheoryData<string> Backends => TestBackends.Names;

    [Theory]
    [MemberData(nameof(Backends))]
    public void Block_sums_equal_the_cpu_block_sums_bit_for_bit(string backendName)
    {
        GpuMergeBackend backend = TestBackends.Get(backendName);
        foreach (int length in new[] { 0, 1, 15, 17, 257, Reductions.BlockElements, (3 * Reductions.BlockElements) + 123 })
        {
            // Magnitudes over 2^±60 make the sums order-sensitive: another layout would show in the last bits.
            var random = new Random(length);
            float[] a = Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-60, 60)))).ToArray();
            float[] b = TestValues.Finite(length, 2);
            AssertSameAsCpu(backend, a, b, ElementType.F32);
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Stored_fp16_inputs_widen_on_the_device_to_the_same_sums(string backendName)
    {
        GpuMergeBackend backend = TestBackends.Get(backendName);
        const int Length = (2 * Reductions.BlockElements) + 999;
        float[] a = TestValues.Finite(Length, 5).Select(v => v * 1e-3f).ToArray();
        float[] b = TestValues.Finite(Length, 6).Select(v => v * 1e-3f).ToArray();
        AssertSameAsCpu(backend, a, b, ElementType.F16);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void A_nan_difference_shows_in_the_maximum(string backendName)
    {
        GpuMergeBackend backend = TestBackends.Get(backendName);
        float[] a = TestValues.Finite(1000, 1);
        float[] b = (float[])a.Clone();
        b[37] = float.NaN;
        using GpuTensor ta = backend.Upload(a);
        using GpuTensor tb = backend.Upload(b);
        var blocks = new DifferenceSums[1];
        backend.DifferenceBlockSums(ta, tb, blocks);
        Assert.True(double.IsNaN(blocks[0].MaxAbsDifference));
    }

    private static void AssertSameAsCpu(GpuMergeBackend backend, float[] a, float[] b, ElementType stored)
    {
        int size = ElementTypeInfo.SizeOf(stored);
        byte[] sa = new byte[a.Length * size];
        byte[] sb = new byte[b.Length * size];
        ElementConvert.Narrow(a, sa, stored);
        ElementConvert.Narrow(b, sb, stored);
        var expected = new DifferenceSums[DifferenceReductions.BlockCount(a.Length)];
        DifferenceReductions.BlockSums(sa, stored, sb, stored, expected);

        GpuElementType gpuType = stored == ElementType.F16 ? GpuElementType.F16 : GpuElementType.F32;
        using GpuTensor ta = backend.Upload(sa, gpuType);
        using GpuTensor tb = backend.Upload(sb, gpuType);
        var actual = new DifferenceSums[expected.Length];
        backend.DifferenceBlockSums(ta, tb, actual);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(Bits(expected[i]), Bits(actual[i]));
        }
    }

    private static (long, long, long, long, long, long) Bits(DifferenceSums s) => (
        BitConverter.DoubleToInt64Bits(s.Dot),
        BitConverter.DoubleToInt64Bits(s.SquaresA),
        BitConverter.DoubleToInt64Bits(s.SquaresB),
        BitConverter.DoubleToInt64Bits(s.SquaredDifference),
        BitConverter.DoubleToInt64Bits(s.MaxAbsDifference),
        s.Count);
}
