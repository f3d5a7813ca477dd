using System.Globalization;
using Fast.Kernels.Tests.Support;
using Xunit;

namespace Fast.Kernels.Tests.Reduction;

/// <summary>
/// <see cref="TorchColumnReductions"/> and <see cref="TorchVectorReductions"/> against torch 1.13 itself: the inputs
/// and results written by native-compat/reference/golden_cosine.py (every path of torch's dim-0 sum, its cascade
/// levels, the norm's leftover elements), compared bit for bit.
/// </summary>
[Trait("Isa", "Core")]
public class TorchColumnReductionGoldenTests
{
    private static readonly Lazy<TinySafeTensors> s_file = new(() =>
        new TinySafeTensors(Path.Combine(RepoPaths.Root(), "native-compat", "reference", "goldens", "cosine_f32.safetensors")));

    [Fact]
    public void Sums_norms_and_dots_are_torch_bits()
    {
        int shapes = 0;
        foreach (string name in s_file.Value.Names.Where(n => n.StartsWith("sum0|", StringComparison.Ordinal)))
        {
            string key = name["sum0|".Length..];
            string[] parts = key.Split('|');
            int rows = int.Parse(parts[0], CultureInfo.InvariantCulture);
            int columns = int.Parse(parts[1], CultureInfo.InvariantCulture);
            bool stored = s_file.Value.Names.Contains($"x|{key}");
            float[] x = stored ? Floats($"x|{key}") : LcgRow(12345, rows * columns);
            float[] y = stored ? Floats($"y|{key}") : LcgRow(67890, rows * columns);
            string context = $"[{rows}, {columns}]";

            float[] squares = [.. x.Select(v => v * v)];
            var sums = new float[columns];
            TorchColumnReductions.Sum(squares, rows, columns, sums);
            Bits.AssertSame(Floats(name), sums, context + " pow(x, 2).sum(0)");

            var norms = new float[columns];
            TorchColumnReductions.Norm(x, rows, columns, norms);
            Bits.AssertSame(Floats($"norm0|{key}"), norms, context + " x.norm(2, 0)");

            Bits.AssertSame(Floats($"norm|{key}"), [TorchVectorReductions.Norm(x)], context + " torch.norm(x)");
            Bits.AssertSame(Floats($"dot|{key}"), [TorchVectorReductions.Dot(x, y)], context + " torch.dot(x, y)");
            shapes++;
        }

        Assert.Equal(19, shapes);
    }

    [Fact]
    public void Double_sums_miss_torch_on_the_same_columns()
    {
        // Guards the goldens: were they accurate sums rather than torch's f32 orders, this would fail.
        int misses = 0;
        foreach (string name in s_file.Value.Names.Where(n => n.StartsWith("sum0|", StringComparison.Ordinal)))
        {
            string key = name["sum0|".Length..];
            string[] parts = key.Split('|');
            int rows = int.Parse(parts[0], CultureInfo.InvariantCulture), columns = int.Parse(parts[1], CultureInfo.InvariantCulture);
            float[] x = s_file.Value.Names.Contains($"x|{key}") ? Floats($"x|{key}") : LcgRow(12345, rows * columns);
            float[] expected = Floats(name);
            for (int j = 0; j < columns; j++)
            {
                double total = 0;
                for (int r = 0; r < rows; r++)
                {
                    float square = x[(r * columns) + j] * x[(r * columns) + j];
                    total += square;
                }

                misses += Bits.SameF32(expected[j], (float)total) ? 0 : 1;
            }
        }

        Assert.True(misses > 20, $"only {misses} columns where a double sum differs from torch's");
    }

    [Fact]
    public void Shapes_that_do_not_fit_are_refused()
    {
        Assert.Throws<ArgumentException>(() => TorchColumnReductions.Sum(new float[6], 2, 4, new float[4]));
        Assert.Throws<ArgumentException>(() => TorchColumnReductions.Norm(new float[6], 2, 3, new float[2]));
        Assert.Throws<ArgumentException>(() => TorchVectorReductions.Dot(new float[3], new float[4]));
    }

    private static float[] Floats(string name)
    {
        var (type, bytes) = s_file.Value.Get(name);
        Assert.Equal(ElementType.F32, type);
        var values = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    /// <summary>golden_extract.py's <c>lcg_row</c>: the 32-bit LCG's top 24 bits as [-0.5, 0.5).</summary>
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
