using Xunit;

namespace Fast.Kernels.Gpu.Tests;

/// <summary>Double-accumulated dot and squared norms with a fixed, device-independent reduction order.</summary>
public sealed class CosineSumsTests
{
    public static TheoryData<string> Backends => TestBackends.Names;

    [Theory]
    [MemberData(nameof(Backends))]
    public void Short_tensors_equal_the_sequential_double_sum(string backendName)
    {
        var backend = TestBackends.Get(backendName);
        for (int length = 0; length <= 257; length++)
        {
            var a = TestValues.Finite(length, length);
            var b = TestValues.Finite(length, length + 1000);
            using var ta = backend.Upload(a);
            using var tb = backend.Upload(b);
            var sums = backend.CosineSums(ta, tb);
            double dot = 0, normA = 0, normB = 0;
            for (int i = 0; i < length; i++)
            {
                dot += (double)a[i] * b[i];
                normA += (double)a[i] * a[i];
                normB += (double)b[i] * b[i];
            }

            Assert.Equal(new GpuCosineSums(dot, normA, normB), sums);
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Long_tensors_follow_the_fixed_partition_exactly(string backendName)
    {
        var backend = TestBackends.Get(backendName);
        const int Length = (3 * GpuMergeBackend.ReductionPartials) + 123;
        var a = TestValues.Finite(Length, 1);
        var b = TestValues.Finite(Length, 2);
        using var ta = backend.Upload(a);
        using var tb = backend.Upload(b);
        var sums = backend.CosineSums(ta, tb);

        const int P = GpuMergeBackend.ReductionPartials;
        double dot = 0;
        double sequential = 0;
        for (int p = 0; p < P; p++)
        {
            double partial = 0;
            for (int k = p; k < Length; k += P)
            {
                partial += (double)a[k] * b[k];
            }

            dot += partial;
        }

        for (int k = 0; k < Length; k++)
        {
            sequential += (double)a[k] * b[k];
        }

        Assert.Equal(dot, sums.Dot);
        Assert.Equal(sequential, sums.Dot, Math.Abs(sequential) * 1e-12);
        Assert.Equal(sums, backend.CosineSums(ta, tb));
    }
}
