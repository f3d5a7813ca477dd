using Fast.Kernels.Tests.Support;
using Xunit;

namespace Fast.Kernels.Tests.Merge;

/// <summary>
/// The vectorised dtype-step kernels (old calc method, self, plus random's sum) give the same bytes as the scalar
/// oracle (NaN payload and sign aside: SPEC §2 leaves them open, and the JIT itself may swap the operands of a scalar
/// sum of two NaNs) for every combination of F16, BF16 and F32 inputs and outputs, NaN, ±∞, −0 and subnormals included, at
/// lengths around the vector widths and the block size; the ISA matrix re-runs this at every width.
/// </summary>
[Trait("Isa", "Core")]
public class DtypeStepKernelTests
{
    private static readonly ElementType[] s_types = [ElementType.F16, ElementType.BF16, ElementType.F32];
    private static readonly int[] s_lengths = [0, 1, 3, 4, 7, 8, 15, 16, 17, 63, 64, 65, 1023, 1024, 1025, 2500];
    private static readonly double[] s_alphas = [0.3, 0.7, 1e-3, -0.25, 1.5, 0, 1, 0.1 + 0.2];

    [Fact]
    public void Two_model_weighted_sum_equals_the_scalar_oracle()
    {
        foreach (ElementType ta in s_types)
        {
            foreach (ElementType tb in s_types)
            {
                foreach (ElementType td in s_types)
                {
                    foreach (int n in s_lengths)
                    {
                        byte[] a = TestData.Stored(n, ta, n), b = TestData.Stored(n, tb, n + 1);
                        float[] af = Widen(a, ta), bf = Widen(b, tb);
                        foreach (double alpha in s_alphas)
                        {
                            var actual = new byte[n * ElementTypeInfo.SizeOf(td)];
                            DtypeStepKernels.WeightedSum(a, ta, b, tb, alpha, actual, td);
                            Bits.AssertSameStored(DtypeStepOracle.WeightedSum(af, ta, bf, tb, alpha, td), actual, td, $"ws {ta}/{tb}->{td} n={n} alpha={alpha}");
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void Three_model_sums_equal_the_scalar_oracle()
    {
        int[] lengths = [0, 1, 7, 17, 64, 1025];
        foreach (ElementType ta in s_types)
        {
            foreach (ElementType tb in s_types)
            {
                foreach (ElementType tc in s_types)
                {
                    foreach (ElementType td in s_types)
                    {
                        foreach (int n in lengths)
                        {
                            byte[] a = TestData.Stored(n, ta, n), b = TestData.Stored(n, tb, n + 1), c = TestData.Stored(n, tc, n + 2);
                            float[] af = Widen(a, ta), bf = Widen(b, tb), cf = Widen(c, tc);
                            foreach ((double alpha, double beta) in new[] { (0.3, 0.2), (0.5, 0.5), (1.0, 0.0), (-0.2, 0.7) })
                            {
                                var actual = new byte[n * ElementTypeInfo.SizeOf(td)];
                                string context = $"{ta}/{tb}/{tc}->{td} n={n} alpha={alpha} beta={beta}";
                                DtypeStepKernels.SumTwice(a, ta, b, tb, c, tc, alpha, beta, actual, td);
                                Bits.AssertSameStored(DtypeStepOracle.SumTwice(af, ta, bf, tb, cf, tc, alpha, beta, td), actual, td, "st " + context);
                                DtypeStepKernels.TripleSum(a, ta, b, tb, c, tc, alpha, beta, actual, td);
                                Bits.AssertSameStored(DtypeStepOracle.TripleSum(af, ta, bf, tb, cf, tc, alpha, beta, td), actual, td, "ts " + context);
                            }
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void Scale_and_add_scaled_equal_the_scalar_oracle()
    {
        foreach (ElementType ta in s_types)
        {
            foreach (ElementType td in s_types)
            {
                foreach (int n in s_lengths)
                {
                    byte[] a = TestData.Stored(n, ta, n);
                    float[] af = Widen(a, ta);

                    // randn_like's values are values of A's dtype
                    float[] noise = Widen(TestData.Stored(n, ta, n + 5), ta);
                    foreach (double alpha in s_alphas)
                    {
                        var actual = new byte[n * ElementTypeInfo.SizeOf(td)];
                        string context = $"{ta}->{td} n={n} alpha={alpha}";
                        DtypeStepKernels.Scale(a, ta, alpha, actual, td);
                        Bits.AssertSameStored(DtypeStepOracle.Scale(af, ta, alpha, td), actual, td, "self " + context);
                        DtypeStepKernels.AddScaled(a, ta, noise, alpha, actual, td);
                        Bits.AssertSameStored(DtypeStepOracle.AddScaled(af, ta, noise, alpha, td), actual, td, "plus random " + context);
                    }
                }
            }
        }
    }

    [Fact]
    public void Unsupported_dtypes_are_refused()
    {
        byte[] a = new byte[8], d = new byte[8];
        Assert.Throws<ArgumentOutOfRangeException>(() => DtypeStepKernels.Scale(a, ElementType.F64, 0.5, d, ElementType.F64));
        Assert.Throws<ArgumentOutOfRangeException>(() => DtypeStepKernels.WeightedSum(a, ElementType.F32, new byte[2], ElementType.F8E4M3, 0.5, d, ElementType.F32));
    }

    private static float[] Widen(byte[] stored, ElementType type)
    {
        var values = new float[stored.Length / ElementTypeInfo.SizeOf(type)];
        ElementConvert.Widen(stored, type, values);
        return values;
    }
}
