using Fast.Kernels.Methods;
using Xunit;

namespace Fast.Kernels.Tests.Methods;

/// <summary>
/// The N-model method kernels against scalar oracles written here, at every length 0..67 (every vector body and tail),
/// with special values; Philox against Random123's known answers; the DARE mask's statistics and split invariance.
/// </summary>
[Trait("Isa", "Core")]
public class MethodKernelTests
{
    private static readonly float[] s_special = [0f, -0f, 1e-40f, -1e-40f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 3.5f, -2.25f];

    [Fact]
    public void PhiloxMatchesRandom123KnownAnswers()
    {
        Assert.Equal((0x6627E8D5u, 0xE169C58Du, 0xBC57AC4Cu, 0x9B00DBD8u), Philox4x32.Block(0, 0, 0, 0, 0, 0));
        Assert.Equal((0x408F276Du, 0x41C83B0Eu, 0xA20BC7C6u, 0x6D5451FDu), Philox4x32.Block(~0u, ~0u, ~0u, ~0u, ~0u, ~0u));
        Assert.Equal((0xD16CFE09u, 0x94FDCCEBu, 0x5001E420u, 0x24126EA1u), Philox4x32.Block(0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344, 0xA4093822, 0x299F31D0));
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.3)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void DareKeepsDensityWithinThreeSigmaOverAMillionElements(double density)
    {
        const int n = 1_000_000;
        var values = new float[n];
        values.AsSpan().Fill(1f);
        long kept = DareMask.DropAndRescale(values, 0, 42, DareMask.NameHash("model.diffusion_model.out.2.weight"), 1, density);
        double sigma = Math.Sqrt(density * (1 - density) / n);
        Assert.InRange((double)kept / n, density - (3 * sigma), density + (3 * sigma));
        Assert.All(values, v => Assert.True(v == 0f || v == 1f / (float)density));
    }

    [Fact]
    public void DareMaskDoesNotDependOnHowTheTensorIsSplit()
    {
        var whole = Enumerable.Range(0, 1003).Select(i => (float)i + 1).ToArray();
        var split = (float[])whole.Clone();
        DareMask.DropAndRescale(whole, 0, 5, 77, 2, 0.4);
        DareMask.DropAndRescale(split.AsSpan(0, 7), 0, 5, 77, 2, 0.4);
        DareMask.DropAndRescale(split.AsSpan(7, 500), 7, 5, 77, 2, 0.4);
        DareMask.DropAndRescale(split.AsSpan(507), 507, 5, 77, 2, 0.4);
        Assert.Equal(whole, split);
    }

    [Fact]
    public void NameHashIsFnv1a()
    {
        Assert.Equal(2166136261u, DareMask.NameHash(string.Empty));
        Assert.Equal(0xE40C292Cu, DareMask.NameHash("a"));
    }

    [Fact]
    public void TrimKeepsTheLargestMagnitudesLowerIndexFirst()
    {
        float[] values = [1f, -3f, 2f, 3f, -0.5f, 3f, 0f];
        MagnitudeTrim.KeepLargest(values, 3);
        Assert.Equal([0f, -3f, 0f, 3f, 0f, 3f, 0f], values);
        float[] ties = [2f, -2f, 2f, 2f];
        MagnitudeTrim.KeepLargest(ties, 2);
        Assert.Equal([2f, -2f, 0f, 0f], ties);
    }

    [Fact]
    public void TrimMatchesASortAtRandom()
    {
        var random = new Random(3);
        for (int n = 0; n < 300; n += 7)
        {
            float[] values = [.. Enumerable.Range(0, n).Select(_ => (float)Math.Round((random.NextDouble() - 0.5) * 8, 1))];
            long k = MagnitudeTrim.KeptCount(0.37, n);
            var order = Enumerable.Range(0, n).OrderByDescending(i => BitConverter.SingleToUInt32Bits(values[i]) & 0x7FFFFFFF).ThenBy(i => i).Take((int)k).ToHashSet();
            float[] expected = [.. values.Select((v, i) => order.Contains(i) ? v : 0f)];
            MagnitudeTrim.KeepLargest(values, k);
            Assert.Equal(expected, values);
        }
    }

    [Fact]
    public void ElementwiseKernelsMatchScalarAtEveryLength()
    {
        for (int n = 0; n <= 67; n++)
        {
            float[] a = Values(n, 1), b = Values(n, 2);
            float[] acc = (float[])a.Clone();
            MethodKernels.AddScaled(acc, b, 0.3f);
            Assert.Equal(a.Select((x, i) => x + (0.3f * b[i])), acc);
            float[] scaled = new float[n];
            MethodKernels.Scale(a, -1.7f, scaled);
            Assert.Equal(a.Select(x => -1.7f * x), scaled);
            float[] diff = new float[n];
            MethodKernels.Subtract(a, b, diff);
            Assert.Equal(a.Select((x, i) => x - b[i]), diff);
            float[] quotient = new float[n];
            MethodKernels.Divide(a, 0.3f, quotient);
            Assert.Equal(a.Select(x => x / 0.3f), quotient);
        }
    }

    [Fact]
    public void SignElectedMeanMatchesScalarAtEveryLength()
    {
        float[] weights = [1f, 0.5f, 0.75f];
        for (int n = 0; n <= 67; n++)
        {
            float[][] terms = [Values(n, 3), Values(n, 4), Values(n, 5)];
            foreach (bool normalize in new[] { false, true })
            {
                float[] mixed = new float[n];
                MethodKernels.SignElectedMean(terms, weights, normalize, mixed);
                for (int i = 0; i < n; i++)
                {
                    float sum = ((0f + terms[0][i]) + terms[1][i]) + terms[2][i];
                    float acc = 0f, divisor = 0f;
                    for (int m = 0; m < 3; m++)
                    {
                        float v = terms[m][i];
                        if (sum >= 0f ? v > 0f : v < 0f)
                        {
                            acc += v;
                            divisor += weights[m];
                        }
                    }

                    float expected = normalize ? acc / (divisor == 0f ? 1f : divisor) : acc;
                    Assert.Equal(BitConverter.SingleToUInt32Bits(expected), BitConverter.SingleToUInt32Bits(mixed[i]));
                }
            }
        }
    }

    /// <summary>
    /// Operand counts around the 64 whose terms SignElectedMean holds on the stack (more go to a heap buffer), each
    /// against the rule written out in order.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(70)]
    public void SignElectedMeanMatchesScalarForAnyOperandCount(int operands)
    {
        float[] weights = [.. Enumerable.Range(0, operands).Select(m => 0.25f + (0.125f * (m % 7)))];
        for (int n = 0; n <= 35; n++)
        {
            float[][] terms = [.. Enumerable.Range(0, operands).Select(m => Values(n, 100 + m))];
            foreach (bool normalize in new[] { false, true })
            {
                float[] mixed = new float[n];
                MethodKernels.SignElectedMean(terms, weights, normalize, mixed);
                for (int i = 0; i < n; i++)
                {
                    float sum = 0f;
                    for (int m = 0; m < operands; m++)
                    {
                        sum += terms[m][i];
                    }

                    float acc = 0f, divisor = 0f;
                    for (int m = 0; m < operands; m++)
                    {
                        float v = terms[m][i];
                        if (sum >= 0f ? v > 0f : v < 0f)
                        {
                            acc += v;
                            divisor += weights[m];
                        }
                    }

                    float expected = normalize ? acc / (divisor == 0f ? 1f : divisor) : acc;
                    Assert.True(
                        BitConverter.SingleToUInt32Bits(expected) == BitConverter.SingleToUInt32Bits(mixed[i]),
                        $"operands {operands} n {n} i {i} normalize {normalize}: {mixed[i]} instead of {expected}");
                }
            }
        }
    }

    private static float[] Values(int n, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(i => i % 11 == 5 ? s_special[(i / 11) % s_special.Length] : (float)((random.NextDouble() - 0.5) * 4))];
    }
}
