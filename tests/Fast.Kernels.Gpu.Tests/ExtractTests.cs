using Xunit;

namespace Fast.Kernels.Gpu.Tests;

/// <summary>
/// calcmode extract on the device against the CPU definition: the row cosines against <see cref="TorchCosine"/> (torch
/// 1.13's f32 cascade sums) for row lengths on both sides of every branch of the cascade, special rows included, and
/// the whole operation against the CPU's steps composed from <c>Fast.Kernels</c>.
/// </summary>
public sealed class ExtractTests
{
    /// <summary>
    /// Scalar route (&lt; 8), vectors without whole groups (8–31), groups without a cascade move (&lt; 512), level 1
    /// moves (≥ 512), level 2 (≥ 8192) and the tails around each.
    /// </summary>
    public static readonly int[] RowLengths =
    [
        1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 39, 63, 64, 65, 100, 320, 511, 512, 513, 543, 768, 1000, 1024, 4096 + 7, 8191, 8192, 8192 + 40, 9000,
    ];

    public static TheoryData<string> Backends => TestBackends.Names;

    [Theory]
    [MemberData(nameof(Backends))]
    public void Row_cosines_equal_torch_cascade_sums_bit_for_bit(string backendName)
    {
        var backend = TestBackends.Get(backendName);
        int seed = 0;
        foreach (int columns in RowLengths)
        {
            int rows = 5;
            var x = new float[rows * columns];
            var y = new float[rows * columns];
            FillRows(x, y, columns, seed++);
            AssertRowCosines(backend, x, y, columns);
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Special_rows_equal_torch(string backendName)
    {
        var backend = TestBackends.Get(backendName);
        foreach (int columns in new[] { 1, 3, 8, 33, 600 })
        {
            var rows = new List<(float[] X, float[] Y)>
            {
                (new float[columns], TestValues.Finite(columns, 1)), // zero row: its norm is clamped at eps
                (new float[columns], new float[columns]),
                (Filled(columns, 1e-30f), TestValues.Finite(columns, 2)), // squares underflow to 0
                (Filled(columns, 1e30f), Filled(columns, -1e30f)), // squares overflow to +inf
                (WithAt(TestValues.Finite(columns, 3), columns / 2, float.NaN), TestValues.Finite(columns, 4)),
                (WithAt(TestValues.Finite(columns, 5), columns - 1, float.PositiveInfinity), TestValues.Finite(columns, 6)),
                (TestValues.Make(columns, 7), TestValues.Make(columns, 8)),
                (Filled(columns, -0f), Filled(columns, 2f)),
                (TestValues.Finite(columns, 9), TestValues.Finite(columns, 9)), // parallel rows: cosine near 1, may pass it
            };
            AssertRowCosines(backend, [.. rows.SelectMany(r => r.X)], [.. rows.SelectMany(r => r.Y)], columns);
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Rows_past_the_third_cascade_level_equal_torch(string backendName)
    {
        // 4881 groups of 32: level 3 takes level 2 at 4096 groups and level 2 fills again after it; then leftover
        // vectors and a scalar tail. 2^24 + 37 elements: groups past 2^19, so the chunks grow to 2^5 groups.
        var backend = TestBackends.Get(backendName);
        foreach (int columns in new[] { (32 * 4881) + 21, (1 << 24) + 37 })
        {
            // Values of one scale, so every partial sum's rounding reaches the result.
            var random = new Random(columns);
            var x = Enumerable.Range(0, columns).Select(_ => (float)random.NextDouble()).ToArray();
            var y = Enumerable.Range(0, columns).Select(_ => (float)random.NextDouble()).ToArray();
            AssertRowCosines(backend, x, y, columns);
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Extract_equals_the_cpu_steps(string backendName)
    {
        var backend = TestBackends.Get(backendName);
        int seed = 300;

        // Row counts below, at and past a multiple of 16 move rows between SLEEF's powf and the double pow tail.
        foreach ((int rows, int columns) in new[] { (1, 1), (3, 1), (16, 5), (17, 9), (35, 33), (4, 768), (33, 520) })
        {
            foreach (double gamma in new[] { 0.3, 1.0, 0.5, 2.0, 1.7 })
            {
                int n = rows * columns;
                var a = TestValues.Finite(n, seed++);
                var b = TestValues.Finite(n, seed++);
                var c = TestValues.Finite(n, seed++);

                // Row 0 of B equals A (a zero difference row); the last row of C carries a NaN.
                Array.Copy(a, b, columns);
                c[n - 1] = float.NaN;
                foreach ((double alpha, double beta) in new[] { (0.35, 0.25), (0.75, 0.6) })
                {
                    float[] expected = CpuExtract(a, b, c, columns, alpha, beta, gamma);
                    using var ta = backend.Upload(a);
                    using var tb = backend.Upload(b);
                    using var tc = backend.Upload(c);
                    backend.Extract(ta, tb, tc, columns, alpha, beta, gamma, ta);
                    var actual = new float[n];
                    backend.Download(ta, actual);
                    Bits.Equal(expected, actual, $"extract [{rows}, {columns}] α {alpha} β {beta} γ {gamma}");
                }
            }
        }
    }

    [Fact]
    public void Extract_rejects_a_length_that_is_not_whole_rows()
    {
        var backend = TestBackends.Get("cpu");
        using var t = backend.Upload(new float[10]);
        Assert.Throws<ArgumentException>(() => backend.Extract(t, t, t, 3, 0.5, 0.5, 0.3, t));
    }

    /// <summary>Fast.Merging's extract on f32 inputs, step by step from the CPU kernels.</summary>
    private static float[] CpuExtract(float[] a, float[] b, float[] c, int columns, double alpha, double beta, double gamma)
    {
        int n = a.Length;
        int rows = n / columns;
        var fromB = new float[n];
        var fromC = new float[n];
        MergeKernels.Subtract(b, a, fromB);
        MergeKernels.Subtract(c, a, fromC);
        var weights = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            weights[r] = TorchCosine.Similarity(fromB.AsSpan(r * columns, columns), fromC.AsSpan(r * columns, columns));
        }

        ExtractRowWeights.FromCosines(weights, gamma, beta);
        MergeKernels.Lerp(fromB, fromC, (float)alpha, fromB);
        var result = new float[n];
        for (int i = 0; i < n; i++)
        {
            result[i] = a[i] + (fromB[i] * weights[i / columns]);
        }

        return result;
    }

    private static void AssertRowCosines(GpuMergeBackend backend, float[] x, float[] y, int columns)
    {
        int rows = x.Length / columns;
        var expected = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            expected[r] = TorchCosine.Similarity(x.AsSpan(r * columns, columns), y.AsSpan(r * columns, columns));
        }

        using var tx = backend.Upload(x);
        using var ty = backend.Upload(y);
        var actual = new float[rows];
        backend.RowCosines(tx, ty, columns, actual);
        Bits.Equal(expected, actual, $"row cosines of {columns}");
    }

    /// <summary>Rows of mixed magnitudes and signs, y correlated with x so the cosines spread over (−1, 1).</summary>
    private static void FillRows(float[] x, float[] y, int columns, int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = TestValues.RandomValue(random);
            y[i] = (float)((random.NextDouble() - 0.3) * x[i]) + (float)(random.NextDouble() * Math.Pow(2, -10 - (i / columns)));
        }
    }

    private static float[] Filled(int length, float value) => Enumerable.Repeat(value, length).ToArray();

    private static float[] WithAt(float[] values, int index, float value)
    {
        values[index] = value;
        return values;
    }
}
