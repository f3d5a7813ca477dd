using Fast.Kernels.Tests.Support;
using Xunit;

namespace Fast.Kernels.Tests.Merge;

/// <summary>
/// Weighted sum at α exactly 0 and 1 (SPEC §3): the reference's smerge keeps A / copies B instead of computing, so
/// NaN and ±∞ of the other model never reach the result and −0 stays −0; the lerp would give NaN (0·∞) and +0.
/// </summary>
[Trait("Isa", "Core")]
public class WeightedSumEndsTests
{
    private static readonly (ElementType A, ElementType B, ElementType D)[] s_combos =
    [
        (ElementType.F16, ElementType.BF16, ElementType.F16),
        (ElementType.BF16, ElementType.F32, ElementType.BF16),
        (ElementType.F32, ElementType.F32, ElementType.F32),
        (ElementType.F16, ElementType.F16, ElementType.F32),
    ];

    [Fact]
    public void Alpha_0_is_A_and_alpha_1_is_B_converted_to_the_output_type()
    {
        foreach (var (ta, tb, td) in s_combos)
        {
            foreach (int n in new[] { 0, 1, 7, 64, 1031 })
            {
                byte[] a = TestData.Stored(n, ta, n), b = TestData.Stored(n, tb, n + 1);
                int size = ElementTypeInfo.SizeOf(td);
                byte[] expectedA = new byte[n * size], expectedB = new byte[n * size], actual = new byte[n * size];
                ElementConvert.Convert(a, ta, expectedA, td);
                ElementConvert.Convert(b, tb, expectedB, td);

                MergeKernels.WeightedSum(a, ta, b, tb, 0, actual, td);
                Assert.Equal(expectedA, actual);
                MergeKernels.WeightedSum(a, ta, b, tb, 1, actual, td);
                Assert.Equal(expectedB, actual);

                // Anything else is the lerp with α as f32, 0.9999999999 included (it rounds to 1f but is not 1).
                byte[] lerp = new byte[n * size];
                foreach (double alpha in new[] { 0.9999999999, 1e-12, 0.3 })
                {
                    MergeKernels.Lerp(a, ta, b, tb, (float)alpha, lerp, td);
                    MergeKernels.WeightedSum(a, ta, b, tb, alpha, actual, td);
                    Assert.Equal(lerp, actual);
                }
            }
        }
    }

    [Fact]
    public void Non_finite_values_and_negative_zero_of_the_other_model_do_not_leak()
    {
        float[] a = [-0f, 1.5f, -0f, 2f, float.NaN];
        float[] b = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, 3f];
        var result = new float[a.Length];

        MergeKernels.WeightedSum(a, b, 0, result);
        Bits.AssertSame(a, result, "alpha 0");
        MergeKernels.WeightedSum(a, b, 1, result);
        Bits.AssertSame(b, result, "alpha 1");

        // The lerp these ends replace: 0·∞ is NaN, and −0 + 0·d is +0.
        MergeKernels.Lerp(a, b, 0f, result);
        Assert.True(float.IsNaN(result[1]));
        Assert.False(float.IsNegative(result[0]) && result[0] == 0);
    }
}
