using Xunit;

namespace Fast.Kernels.Gpu.Tests;

/// <summary>Double-accumulated dot and squared norms in the CPU's fixed block/lane layout, equal to <see cref="Reductions.Dot"/>.</summary>
public sealed class CosineSumsTests
{
    public static TheoryData<string> Backends => TestBackends.Names;

    [Theory]
    [MemberData(nameof(Backends))]
    public void Short_tensors_equal_the_cpu_reductions(string backendName)
    {
        var backend = TestBackends.Get(backendName);
        for (int length = 0; length <= 257; length++)
        {
            var a = TestValues.Finite(length, length);
            var b = TestValues.Finite(length, length + 1000);
            AssertSameAsCpu(backend, a, b);
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Tensors_of_several_blocks_equal_the_cpu_reductions(string backendName)
    {
        var backend = TestBackends.Get(backendName);
        foreach (int length in new[] { Reductions.BlockElements - 1, Reductions.BlockElements, Reductions.BlockElements + 1, (3 * Reductions.BlockElements) + 123 })
        {
            // Magnitudes over 2^±60 make the sums order-sensitive: a different layout would show in the last bits.
            var random = new Random(length);
            var a = Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-60, 60)))).ToArray();
            var b = TestValues.Finite(length, 2);
            AssertSameAsCpu(backend, a, b);
        }
    }

    [Fact]
    public void The_layout_is_not_the_sequential_sum()
    {
        // Guards the test above against inputs whose sums do not depend on the order at all.
        const int Length = (3 * Reductions.BlockElements) + 123;
        var random = new Random(Length);
        var a = Enumerable.Range(0, Length).Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-60, 60)))).ToArray();
        double sequential = 0;
        foreach (float v in a)
        {
            sequential += (double)v * v;
        }

        Assert.NotEqual(sequential, Reductions.SumOfSquares(a));
    }

    private static void AssertSameAsCpu(GpuMergeBackend backend, float[] a, float[] b)
    {
        using var ta = backend.Upload(a);
        using var tb = backend.Upload(b);
        GpuCosineSums actual = backend.CosineSums(ta, tb);
        Assert.Equal(BitConverter.DoubleToInt64Bits(Reductions.Dot(a, b)), BitConverter.DoubleToInt64Bits(actual.Dot));
        Assert.Equal(BitConverter.DoubleToInt64Bits(Reductions.SumOfSquares(a)), BitConverter.DoubleToInt64Bits(actual.SquaredNormA));
        Assert.Equal(BitConverter.DoubleToInt64Bits(Reductions.SumOfSquares(b)), BitConverter.DoubleToInt64Bits(actual.SquaredNormB));
    }
}
