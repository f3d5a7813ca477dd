using Xunit;

namespace Fast.Kernels.Tests.Merge;

/// <summary>tensor / tensor2 against a direct transcription of the reference's tensormerge (Python slicing rules).</summary>
[Trait("Isa", "Core")]
public class TensorSliceMergeTests
{
    [Theory]
    [InlineData(new long[] { 10 }, 0.3, 0.2, false)]
    [InlineData(new long[] { 10, 3 }, 0.3, 0.2, false)]
    [InlineData(new long[] { 7, 5, 2, 3 }, 0.6, 0.7, false)]
    [InlineData(new long[] { 6, 120 }, 0.25, 0.5, true)]
    [InlineData(new long[] { 6, 8, 3 }, 0.5, 0.25, true)]
    [InlineData(new long[] { 6, 120, 1, 1 }, 0.7, 0.6, true)]
    [InlineData(new long[] { 9, 4 }, 0.3, -0.2, false)]
    [InlineData(new long[] { 12 }, 1.0, 0.0, true)]
    public void Matches_reference_transcription(long[] shape, double alpha, double beta, bool columns)
    {
        int n = (int)shape.Aggregate(1L, (p, d) => p * d);
        float[] a = Enumerable.Range(0, n).Select(i => (float)i).ToArray();
        float[] b = Enumerable.Range(0, n).Select(i => -(float)i - 1).ToArray();
        float[] expected = Reference(a, b, shape, alpha, beta, columns);
        var dst = new byte[n * 4];
        TensorSliceMerge.Merge(Bytes(a), ElementType.F32, Bytes(b), ElementType.F32, shape, alpha, beta, columns, dst, ElementType.F32);
        Assert.Equal(expected, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(dst).ToArray());
    }

    [Fact]
    public void Zero_dim_keeps_A_and_converts_dtype()
    {
        var dst = new byte[2];
        TensorSliceMerge.Merge(Bytes([1.5f]), ElementType.F32, Bytes([7f]), ElementType.F32, [], 0.5, 0.5, false, dst, ElementType.F16);
        Assert.Equal((Half)1.5f, BitConverter.ToHalf(dst));
    }

    private static byte[] Bytes(float[] values) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    /// <summary>The reference, literally: theta_0[...][s:e] = theta_1[...][s:e] with Python slice semantics.</summary>
    private static float[] Reference(float[] a, float[] b, long[] shape, double alpha, double beta, bool columns)
    {
        int dim = shape.Length;
        bool low = alpha + beta <= 1;
        long n0 = shape[0];
        long s = low ? (long)(n0 * beta) : (long)(n0 * (alpha + beta - 1));
        long e = low ? (long)(n0 * (alpha + beta)) : (long)(n0 * beta);
        if (columns && dim > 1 && shape[1] > 100)
        {
            s = low ? (long)(shape[1] * beta) : (long)(shape[1] * (alpha + beta - 1));
            e = low ? (long)(shape[1] * (alpha + beta)) : (long)(shape[1] * beta);
        }

        float[] result = (float[])(low ? a : b).Clone();
        float[] band = low ? b : a;
        int axis = columns && dim > 1 ? 1 : 0;
        long len = shape[axis];
        long Norm(long v) => Math.Clamp(v < 0 ? v + len : v, 0, len);
        long from = Norm(s), to = Norm(e);
        long inner = shape.Skip(axis + 1).Aggregate(1L, (p, d) => p * d);
        for (int i = 0; i < result.Length; i++)
        {
            long index = i / inner % len;
            if (index >= from && index < to)
            {
                result[i] = band[i];
            }
        }

        return result;
    }
}
