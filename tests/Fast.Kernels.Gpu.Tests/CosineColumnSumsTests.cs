using Xunit;

namespace Fast.Kernels.Gpu.Tests;

/// <summary>The cosine calcmodes' per-column double sums on the device against <see cref="Reductions.ColumnSums"/>, bit for bit.</summary>
public sealed class CosineColumnSumsTests
{
    public static TheoryData<string> Backends => TestBackends.Names;

    [Theory]
    [MemberData(nameof(Backends))]
    public void Column_sums_add_the_rows_in_order(string backendName)
    {
        var backend = TestBackends.Get(backendName);
        int seed = 0;
        foreach ((int rows, int columns) in new[] { (1, 1), (1, 7), (7, 1), (5, 3), (300, 9), (1000, 4), (64, 77) })
        {
            // Magnitudes over 2^±60 make double sums order-sensitive: adding the rows in another order changes bits.
            var random = new Random(seed++);
            float[] x = Enumerable.Range(0, rows * columns).Select(_ => Wide(random)).ToArray();
            float[] y = Enumerable.Range(0, rows * columns).Select(_ => Wide(random)).ToArray();
            var expected = (Dot: new double[columns], Xx: new double[columns], Yy: new double[columns]);
            Reductions.ColumnSums(x, y, rows, columns, expected.Dot, expected.Xx, expected.Yy);

            using var tx = backend.Upload(x);
            using var ty = backend.Upload(y);
            var actual = (Dot: new double[columns], Xx: new double[columns], Yy: new double[columns]);
            backend.ColumnSums(tx, ty, actual.Dot, actual.Xx, actual.Yy);

            Assert.Equal(Bits(expected.Dot), Bits(actual.Dot));
            Assert.Equal(Bits(expected.Xx), Bits(actual.Xx));
            Assert.Equal(Bits(expected.Yy), Bits(actual.Yy));
        }
    }

    private static float Wide(Random random) => (float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-60, 60)));

    private static long[] Bits(double[] values) => [.. values.Select(BitConverter.DoubleToInt64Bits)];
}
