using Fast.Kernels.Merge.Operators;
using Fast.Kernels.Tests.Support;
using Xunit;

namespace Fast.Kernels.Tests.Merge;

/// <summary>
/// lerp against an exact model of SPEC §2's formula built from double arithmetic: d = e − s in binary32, then
/// fma(c, d, base) rounded once. The product c·d is exact in double; the sum is made exact with TwoSum and
/// rounded to binary32 by hand, so no double rounding hides an fma that is not one.
/// </summary>
[Trait("Isa", "Core")]
public class LerpModelTests
{
    [Fact]
    public void Lerp_equals_exact_fma_model()
    {
        var rng = new Random(7);
        float[] weights = [0f, 0.25f, 0.3f, 0.49999997f, 0.5f, 0.7f, 1f, -0.2f, 1.5f, 1e-3f];
        foreach (float w in weights)
        {
            for (int n = 0; n <= 257; n += 1)
            {
                float[] s = TestData.Random(n, seed: 31 * n);
                float[] e = new float[n];
                for (int i = 0; i < n; i++)
                {
                    // Nearby values make d small and cancellation frequent, where a missing fma would show.
                    e[i] = rng.Next(3) == 0 ? TestData.Random(1, rng.Next())[0] : s[i] * (1f + (float)((rng.NextDouble() - 0.5) * 1e-3));
                }

                var actual = new float[n];
                MergeKernels.Lerp(s, e, w, actual);
                for (int i = 0; i < n; i++)
                {
                    float expected = Model(s[i], e[i], w);
                    Assert.True(Bits.SameF32(expected, actual[i]), $"w={w} s={s[i]:R} e={e[i]:R}: model {expected:R}, kernel {actual[i]:R}");
                }
            }
        }
    }

    [Fact]
    public void Scalar_fma_is_correctly_rounded_even_without_fma_hardware()
    {
        // (1 + 2^-12)² − 1 = 2^-11 + 2^-24 exactly; a separate multiply rounds the 2^-24 away first.
        float a = 1f + MathF.Pow(2, -12);
        float expected = MathF.Pow(2, -11) + MathF.Pow(2, -24);
        Assert.Equal(expected, ExactFma(a, a, -1f));
        Assert.Equal(expected, MathF.FusedMultiplyAdd(a, a, -1f));
        Assert.NotEqual(expected, (a * a) - 1f);

        // The kernel at vector lengths against the model: s = −1, e − s = a exactly, w = 0.25.
        float[] s = Enumerable.Repeat(-1f, 37).ToArray();
        float[] e = Enumerable.Repeat(a - 1f, 37).ToArray(); // d = e − s = a exactly
        var r = new float[37];
        MergeKernels.Lerp(s, e, 0.25f, r);
        Assert.All(r, v => Assert.Equal(ExactFma(0.25f, a, -1f), v));
    }

    internal static float Model(float s, float e, float w)
    {
        float d = e - s;
        return MathF.Abs(w) < 0.5f ? ExactFma(w, d, s) : ExactFma(w - 1f, d, e);
    }

    /// <summary>a·b + c rounded once to binary32 (round to nearest even).</summary>
    internal static float ExactFma(float a, float b, float c)
    {
        double p = (double)a * b; // exact: 24 + 24 bits
        double sum = p + c;
        if (!double.IsFinite(sum) || !double.IsFinite(p))
        {
            return (float)sum;
        }

        // TwoSum: sum + err == p + c exactly.
        double bp = sum - p;
        double err = (p - (sum - bp)) + (c - bp);
        float r = (float)sum;
        if (err == 0 || !float.IsFinite(r))
        {
            return r;
        }

        // sum was rounded; (float)sum can only be wrong when sum sits exactly halfway between two floats.
        float up = MathF.BitIncrement(r);
        float down = MathF.BitDecrement(r);
        float other = (double)r < sum ? up : down;
        if ((double)r + (((double)other - r) / 2) == sum)
        {
            // A tie in double is not a tie in exact arithmetic: err says which side the true value is on.
            return (err > 0) == (other > r) ? other : r;
        }

        return r;
    }
}
