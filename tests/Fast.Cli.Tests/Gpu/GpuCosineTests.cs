using Fast.Kernels;
using Fast.Kernels.Gpu;
using Fast.Merging.Execution.Calcmodes;
using Fast.Merging.Gpu;

namespace Fast.Cli.Tests.Gpu;

/// <summary>
/// The cosine calcmodes' device operations on single keys: every shape class, both calcmodes, B or the rounded
/// difference B − C, special values; bit for bit. The merge's lerp is checked against the engine's own CPU code
/// (<see cref="CosineSimilarity.Lerp"/>), which the engine runs on the device. The device similarities sum in double;
/// the engine no longer uses them (its similarity pass runs torch's f32 reduction orders on the CPU, SPEC §4), so
/// they are checked against that double-sum algorithm (<see cref="DoubleSumSimilarity"/>), their own contract.
/// </summary>
public sealed class GpuCosineTests
{
    private static readonly Lazy<GpuMergeAccelerator> s_device = new(() =>
        GpuMergeBackend.TryCreate(GpuPreference.CpuAcceleratorForTesting, out GpuMergeBackend? backend, out string reason)
            ? new GpuMergeAccelerator(backend!)
            : throw new InvalidOperationException(reason));

    public static readonly long[][] Shapes = [[], [1], [7], [1, 9], [5, 3], [9, 1], [33, 17], [4, 3, 2, 2], [40, 8, 3, 3], [300, 77]];

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Similarities_equal_the_cpu(bool favorA, bool difference)
    {
        int seed = 0;
        foreach (long[] shape in Shapes)
        {
            int n = Count(shape);
            foreach (bool specials in new[] { false, true })
            {
                float[] a = Values(n, seed++, specials);
                float[] b = Values(n, seed++, specials);
                float[] c = Values(n, seed++, specials: false);
                if (specials && n > 1)
                {
                    // A column of zeros in A (its norm is clamped) and, in the 2-D cases, B equal to A in row 0.
                    int columns = CosineSimilarity.Columns(shape);
                    for (int i = columns - 1; i < n; i += columns)
                    {
                        a[i] = 0f;
                    }

                    Array.Copy(a, b, Math.Min(columns, n));
                }

                AssertSameSimilarity(favorA, difference, shape, a, b, c, $"shape [{string.Join(',', shape)}] specials {specials}");
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Lerp_equals_the_cpu_zero_signs_included(bool difference)
    {
        // k hits both branches and their edges; A and B hold every combination of signed zeros and small values, so
        // end − d·(1 − k) at k = 1 shows whether the device keeps torch's −0.
        float[] k = [0f, 0.25f, 0.49999997f, 0.5f, 1f, 1.25f, -0.3f, float.NaN, -0f, 0.75f];
        float[] values = [0f, -0f, 1f, -1f, 3.5e-3f, -7.25f, 1e-40f, -65504f];
        int columns = k.Length;
        int rows = values.Length * values.Length;
        var a = new float[rows * columns];
        var b = new float[rows * columns];
        var c = new float[rows * columns];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < columns; j++)
            {
                a[(r * columns) + j] = values[r % values.Length];
                b[(r * columns) + j] = values[r / values.Length];
                c[(r * columns) + j] = difference ? values[(r + j) % values.Length] : 0f;
            }
        }

        foreach (ElementType output in new[] { ElementType.F32, ElementType.F16 })
        {
            Span<float> other = Other(b, c, difference);
            var expected = new float[a.Length];
            CosineSimilarity.Lerp(other, a, k, expected);
            var expectedBytes = new byte[a.Length * ElementTypeInfo.SizeOf(output)];
            ElementConvert.Narrow(expected, expectedBytes, output);

            var actualBytes = new byte[expectedBytes.Length];
            s_device.Value.CosineLerp(Bytes(a), ElementType.F32, Bytes(b), ElementType.F32, difference ? Bytes(c) : default, ElementType.F32, k, actualBytes, output);
            var widenedExpected = new float[a.Length];
            var widenedActual = new float[a.Length];
            ElementConvert.Widen(expectedBytes, output, widenedExpected);
            ElementConvert.Widen(actualBytes, output, widenedActual);
            AssertBits(widenedExpected, widenedActual, $"lerp to {output}");
        }
    }

    private static void AssertSameSimilarity(bool favorA, bool difference, long[] shape, float[] a, float[] b, float[] c, string context)
    {
        // B is stored as fp16, so the add-difference path also rounds B − C through fp16 on both sides.
        byte[] storedB = Half(b);
        var widenedB = new float[b.Length];
        ElementConvert.Widen(storedB, ElementType.F16, widenedB);
        float[] x = [.. a];
        Span<float> y = Other(widenedB, c, difference, ElementType.F16);
        CosineSimilarity.KeySimilarity expected = DoubleSumSimilarity(favorA, x, y, shape);

        var similarity = new float[CosineSimilarity.Columns(shape)];
        float magnitude = s_device.Value.CosineSimilarity(
            favorA, Bytes(a), ElementType.F32, storedB, ElementType.F16, difference ? Bytes(c) : default, ElementType.F32, similarity);
        CosineSimilarity.KeySimilarity actual = CosineSimilarity.FromSimilarity(favorA, similarity, magnitude);

        AssertBits(expected.Statistic, actual.Statistic, context + " statistic");
        AssertBits(expected.Combined, actual.Combined, context + " combined");
    }

    /// <summary>
    /// The device's similarity algorithm (the engine's CPU one before it followed torch's f32 reduction orders): sums in
    /// double over dim 0 of [shape[0], rest], every value torch keeps as an f32 tensor rounded to f32 at that point.
    /// </summary>
    private static CosineSimilarity.KeySimilarity DoubleSumSimilarity(bool favorA, Span<float> x, Span<float> y, long[] shape)
    {
        int rows = shape.Length == 0 ? 1 : checked((int)shape[0]);
        int columns = CosineSimilarity.Columns(shape);
        var dot = new double[columns];
        var xx = new double[columns];
        var yy = new double[columns];
        Reductions.ColumnSums(x, y, rows, columns, dot, xx, yy);
        if (favorA)
        {
            DivideColumns(x, xx, rows, columns, 1e-12f);
            DivideColumns(y, yy, rows, columns, 1e-12f);
            Reductions.ColumnSums(x, y, rows, columns, dot, xx, yy);
        }

        float magnitude = (float)Reductions.Dot(x, y) / ((float)Math.Sqrt(Reductions.SumOfSquares(x)) * (float)Math.Sqrt(Reductions.SumOfSquares(y)));
        DivideColumns(x, xx, rows, columns, 1e-8f);
        DivideColumns(y, yy, rows, columns, 1e-8f);
        Reductions.ColumnSums(x, y, rows, columns, dot, xx, yy);
        var similarity = new float[columns];
        for (int j = 0; j < columns; j++)
        {
            similarity[j] = (float)dot[j];
        }

        return CosineSimilarity.FromSimilarity(favorA, similarity, magnitude);
    }

    private static void DivideColumns(Span<float> values, ReadOnlySpan<double> squares, int rows, int columns, float epsilon)
    {
        var norms = new float[columns];
        for (int j = 0; j < columns; j++)
        {
            norms[j] = Math.Max((float)Math.Sqrt(squares[j]), epsilon);
        }

        for (int r = 0; r < rows; r++)
        {
            Span<float> row = values.Slice(r * columns, columns);
            for (int j = 0; j < columns; j++)
            {
                row[j] /= norms[j];
            }
        }
    }

    private static Span<float> Other(float[] b, float[] c, bool difference, ElementType typeB = ElementType.F32)
    {
        float[] other = [.. b];
        if (difference)
        {
            MergeKernels.Subtract(other, c, other);
            ElementConvert.RoundTo(other, typeB);
        }

        return other;
    }

    private static void AssertBits(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            bool same = float.IsNaN(expected[i]) ? float.IsNaN(actual[i]) : BitConverter.SingleToUInt32Bits(expected[i]) == BitConverter.SingleToUInt32Bits(actual[i]);
            Assert.True(same, $"{context}: element {i} expected {expected[i]:R} (0x{BitConverter.SingleToUInt32Bits(expected[i]):X8}) but got {actual[i]:R} (0x{BitConverter.SingleToUInt32Bits(actual[i]):X8})");
        }
    }

    private static float[] Values(int n, int seed, bool specials)
    {
        var random = new Random(seed);
        var values = new float[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = (float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-12, 4)));
        }

        if (specials && n > 3)
        {
            values[n / 2] = float.NaN;
            values[n / 3] = float.PositiveInfinity;
            values[1] = -0f;
        }

        return values;
    }

    private static int Count(long[] shape) => shape.Aggregate(1, (product, d) => product * (int)d);

    private static byte[] Bytes(float[] values)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        ElementConvert.Narrow(values, bytes, ElementType.F32);
        return bytes;
    }

    private static byte[] Half(float[] values)
    {
        var bytes = new byte[values.Length * 2];
        ElementConvert.Narrow(values, bytes, ElementType.F16);
        return bytes;
    }
}
