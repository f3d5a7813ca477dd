using Fast.Kernels.Tests.Support;
using Xunit;

namespace Fast.Kernels.Tests.Merge;

/// <summary>
/// The fused fp16 kernels run most vectors through a short common path (every input half normal, no NaN
/// result) and leave it for the exact path at the first vector that needs it, then come back. Data that is
/// mostly normal with sparse zeros, subnormals, Inf and NaN makes both paths and every switch between them
/// run; non-finite weights make NaN and Inf results out of finite inputs. Each result must equal widen →
/// binary32 kernel → narrow.
/// </summary>
[Trait("Isa", "Core")]
public class HalfPairPathTests
{
    private static readonly float[] s_sparseSpecials =
    [
        0f, -0f, float.NaN, -float.NaN, float.PositiveInfinity, float.NegativeInfinity,
        5.9604645e-08f, -3.0517578e-05f, 6.0975552e-05f, 65504f, -65504f, 1e-3f,
    ];

    [Fact]
    public void Lerp_and_add_difference_equal_widen_compute_narrow_on_mostly_normal_data()
    {
        int[] lengths = [.. Enumerable.Range(0, 258), 1000, 4099];
        float[] weights = [0.3f, 0.7f, -2.5f, float.NaN, float.PositiveInfinity, 1e30f];
        foreach (int n in lengths)
        {
            byte[] a = Sparse(n, n), b = Sparse(n, n + 1), c = Sparse(n, n + 2);
            float[] af = Widen(a), bf = Widen(b), cf = Widen(c);
            foreach (float w in weights)
            {
                Check($"lerp n={n} w={w}", n, r => MergeKernels.Lerp(af, bf, w, r), d => MergeKernels.Lerp(a, ElementType.F16, b, ElementType.F16, w, d, ElementType.F16));
                Check($"ad n={n} alpha={w}", n, r => MergeKernels.AddDifference(af, bf, cf, ElementType.F16, w, r), d => MergeKernels.AddDifference(a, ElementType.F16, b, ElementType.F16, c, ElementType.F16, w, d, ElementType.F16));
            }
        }
    }

    /// <summary>Outputs of 8 MiB and more take streaming stores; in place and misaligned they must still match.</summary>
    [Fact]
    public void Large_mostly_normal_outputs_match_in_place_and_misaligned()
    {
        const int N = LargeFp16Check.N;
        LargeFp16Check.LerpAndAddDifferenceMatchWidenComputeNarrow(Sparse(N + 40, 21), Sparse(N + 40, 22), Sparse(N + 40, 23), oddShift: 9);
    }

    /// <summary>Normal halves of merge-like magnitude, with a zero, subnormal, Inf or NaN about every 60 elements.</summary>
    private static byte[] Sparse(int length, int seed)
    {
        var rng = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((rng.Next(2) * 2 - 1) * (0.001 + (rng.NextDouble() * 0.1)));
            if (rng.Next(60) == 0)
            {
                values[i] = s_sparseSpecials[rng.Next(s_sparseSpecials.Length)];
            }
        }

        var bytes = new byte[length * 2];
        ElementConvert.Narrow(values, bytes, ElementType.F16);
        return bytes;
    }

    private static void Check(string context, int n, Action<float[]> reference, Action<byte[]> stored)
    {
        var r = new float[n];
        reference(r);
        var expected = new byte[n * 2];
        ElementConvert.Narrow(r, expected, ElementType.F16);
        var actual = new byte[expected.Length];
        stored(actual);
        Bits.AssertSameStored(expected, actual, ElementType.F16, context);
    }

    private static float[] Widen(byte[] bytes)
    {
        var values = new float[bytes.Length / 2];
        ElementConvert.Widen(bytes, ElementType.F16, values);
        return values;
    }
}
