using System.Globalization;
using Fast.Kernels.Tests.Support;
using Xunit;

namespace Fast.Kernels.Tests.Reduction;

/// <summary>
/// <see cref="TorchRowSum"/> and <see cref="TorchCosine"/> against torch 1.13 itself: the rows and results written by
/// native-compat/reference/golden_extract.py (every length 1..80, the lengths around torch's vector and ILP
/// groups up to 300, special rows, and long LCG rows up to the third cascade level), compared bit for bit.
/// </summary>
[Trait("Isa", "Core")]
public class TorchCosineGoldenTests
{
    [Fact]
    public void Stored_rows_sum_and_cosine_like_torch()
    {
        int rowsChecked = 0;
        foreach (string name in ExtractGolden.Names.Where(n => n.StartsWith("x|", StringComparison.Ordinal)))
        {
            int n = int.Parse(name[2..], CultureInfo.InvariantCulture);
            float[] x = ExtractGolden.Floats($"x|{n}");
            float[] y = ExtractGolden.Floats($"y|{n}");
            float[] sums = ExtractGolden.Floats($"sum|{n}");
            float[] cosines = ExtractGolden.Floats($"cos|{n}");
            Assert.Equal(sums.Length * n, x.Length);
            for (int r = 0; r < sums.Length; r++)
            {
                ReadOnlySpan<float> xr = x.AsSpan(r * n, n);
                ReadOnlySpan<float> yr = y.AsSpan(r * n, n);
                Bits.AssertSame([sums[r]], [TorchRowSum.Sum(xr)], $"sum of row {r} of length {n}");
                Bits.AssertSame([cosines[r]], [TorchCosine.Similarity(xr, yr)], $"cosine of row {r} of length {n}");
                rowsChecked++;
            }
        }

        // 90 stored lengths, 4 rows each, 6 special rows at 6 of them.
        Assert.Equal((90 * 4) + (6 * 6), rowsChecked);
    }

    [Fact]
    public void Long_generated_rows_sum_and_cosine_like_torch()
    {
        int lengthsChecked = 0;
        foreach (string name in ExtractGolden.Names.Where(n => n.StartsWith("sum|lcg|", StringComparison.Ordinal)))
        {
            int n = int.Parse(name["sum|lcg|".Length..], CultureInfo.InvariantCulture);
            float[] x = LcgRow(12345, n);
            float[] y = LcgRow(67890, n);
            Bits.AssertSame(ExtractGolden.Floats(name), [TorchRowSum.Sum(x)], $"sum of the LCG row of length {n}");
            Bits.AssertSame(ExtractGolden.Floats($"cos|lcg|{n}"), [TorchCosine.Similarity(x, y)], $"cosine of the LCG rows of length {n}");
            lengthsChecked++;
        }

        Assert.Equal(11, lengthsChecked);
    }

    [Fact]
    public void Double_sums_miss_torch_on_the_same_rows()
    {
        // Guards the goldens themselves: were they accurate sums rather than torch's f32 order, this would fail.
        int misses = 0;
        foreach (string name in ExtractGolden.Names.Where(n => n.StartsWith("x|", StringComparison.Ordinal)))
        {
            int n = int.Parse(name[2..], CultureInfo.InvariantCulture);
            float[] x = ExtractGolden.Floats(name);
            float[] sums = ExtractGolden.Floats($"sum|{n}");
            for (int r = 0; r < sums.Length; r++)
            {
                double total = 0;
                foreach (float v in x.AsSpan(r * n, n))
                {
                    total += v;
                }

                misses += Bits.SameF32(sums[r], (float)total) ? 0 : 1;
            }
        }

        Assert.True(misses > 20, $"only {misses} rows where a double sum differs from torch's");
    }

    [Fact]
    public void Rows_of_different_lengths_must_be_refused()
    {
        Assert.Throws<ArgumentException>(() => TorchCosine.Similarity(new float[3], new float[4]));
    }

    [Fact]
    public void Empty_row_sums_to_positive_zero()
    {
        Assert.Equal(0u, BitConverter.SingleToUInt32Bits(TorchRowSum.Sum([])));
        Assert.Equal(0u, BitConverter.SingleToUInt32Bits(TorchRowSum.Sum([-0f, -0f])));
    }

    /// <summary>golden_extract.py's lcg_row: (state >> 8) · 2⁻²⁴ − 0.5 after each step of the 32-bit LCG (exact in f32).</summary>
    private static float[] LcgRow(uint seed, int n)
    {
        var values = new float[n];
        uint state = seed;
        for (int i = 0; i < n; i++)
        {
            state = unchecked((state * 1664525u) + 1013904223u);
            values[i] = (float)(((state >> 8) * Math.Pow(2, -24)) - 0.5);
        }

        return values;
    }
}
