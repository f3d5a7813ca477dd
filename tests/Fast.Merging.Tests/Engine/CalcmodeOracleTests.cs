using Fast.Merging.Api;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Engine;

/// <summary>Each calcmode's output against an independent scalar computation of a few keys.</summary>
public sealed class CalcmodeOracleTests(EngineModels models) : IClassFixture<EngineModels>
{
    // SPEC §4's taps for |offset| = 4, 3, 2, 1, 0, from their hex-float spelling.
    private static readonly double[] s_gaussianTaps =
    [
        Tap(0x18a9c4fd536c6, -13), Tap(0x22724cb7eb269, -8), Tap(0xba4b99d1799ab, -5), Tap(0xef8eb9ad499ba, -3), Tap(0x9884a307594fb, -2),
    ];

    [Fact]
    public void Weighted_sum_is_torch_lerp_rounded_once()
    {
        string output = Merge(new MergeRecipe { Alpha = 0.3 }, "ws");
        foreach (string key in Keys(output))
        {
            double[] a = Oracle.Read(models.A, key), b = Oracle.Read(models.B, key);
            double[] o = Oracle.Read(output, key, out _, out DType dtype);
            for (int i = 0; i < o.Length; i++)
            {
                Assert.Equal(Oracle.Round(Oracle.Lerp((float)a[i], (float)b[i], 0.3f), dtype), o[i]);
            }
        }
    }

    [Fact]
    public void Add_difference_rounds_the_difference_to_b()
    {
        string output = Merge(new MergeRecipe { Mode = MergeMode.AddDifference, Alpha = 0.7 }, "ad");
        foreach (string key in Keys(output))
        {
            double[] a = Oracle.Read(models.A, key), b = Oracle.Read(models.B, key), c = Oracle.Read(models.C, key);
            double[] o = Oracle.Read(output, key, out _, out DType dtype);
            for (int i = 0; i < o.Length; i++)
            {
                double d = Oracle.Round((float)b[i] - (float)c[i], DType.BF16);
                Assert.Equal(Oracle.Round((float)a[i] + (0.7f * (float)d), dtype), o[i]);
            }
        }
    }

    [Fact]
    public void Train_difference_follows_the_spec_sequence()
    {
        string output = Merge(new MergeRecipe { Mode = MergeMode.AddDifference, CalcMode = CalcMode.TrainDifference, Alpha = 0.6 }, "td");
        float k = (float)(0.6 * 1.8);
        foreach (string key in Keys(output))
        {
            double[] a = Oracle.Read(models.A, key), b = Oracle.Read(models.B, key), c = Oracle.Read(models.C, key);
            double[] o = Oracle.Read(output, key, out _, out DType dtype);
            for (int i = 0; i < o.Length; i++)
            {
                float fa = (float)a[i], fb = (float)b[i], fc = (float)c[i];
                float dist0 = Math.Abs(fb - fc), dist1 = Math.Abs(fb - fa), sum = dist0 + dist1;
                float scale = sum != 0 ? dist1 / sum : 0f;
                scale = MathF.Sign(fb - fc) * Math.Abs(scale);
                float updated = scale * Math.Abs(fb - fc);
                Assert.Equal(Oracle.Round(fa + (updated * k), dtype), o[i]);
            }
        }
    }

    [Theory]
    [InlineData(CalcMode.Tensor, 0.3, 0.2)]
    [InlineData(CalcMode.Tensor, 0.7, 0.6)]
    [InlineData(CalcMode.Tensor2, 0.3, 0.2)]
    public void Tensor_modes_exchange_a_band(CalcMode calc, double alpha, double beta)
    {
        string output = Merge(new MergeRecipe { CalcMode = calc, Alpha = alpha, Beta = beta }, $"{calc}-{alpha}");
        foreach (string key in Keys(output))
        {
            double[] a = Oracle.Read(models.A, key, out IReadOnlyList<long> shape, out _), b = Oracle.Read(models.B, key);
            double[] o = Oracle.Read(output, key, out _, out DType dtype);
            bool columns = calc == CalcMode.Tensor2 && shape.Count > 1;
            long n = columns && shape[1] > 100 ? shape[1] : shape[0];
            bool baseIsA = alpha + beta <= 1;
            long from = (long)(n * (baseIsA ? beta : alpha + beta - 1)), to = (long)(n * (baseIsA ? alpha + beta : beta));
            long axis = columns ? shape[1] : shape[0];
            long inner = 1;
            for (int d = columns ? 2 : 1; d < shape.Count; d++)
            {
                inner *= shape[d];
            }

            for (int i = 0; i < o.Length; i++)
            {
                long index = i / inner % axis;
                bool band = index >= Math.Min(from, axis) && index < Math.Min(to, axis);
                double expected = band == baseIsA ? b[i] : a[i];
                Assert.Equal(Oracle.Round(expected, dtype), o[i]);
            }
        }
    }

    [Fact]
    public void Smooth_add_on_vectors_is_median_then_gaussian()
    {
        string output = Merge(new MergeRecipe { Mode = MergeMode.AddDifference, CalcMode = CalcMode.SmoothAdd, Alpha = 0.5 }, "smooth");
        foreach (string key in Keys(output, rank: 1))
        {
            double[] a = Oracle.Read(models.A, key), b = Oracle.Read(models.B, key), c = Oracle.Read(models.C, key);
            double[] o = Oracle.Read(output, key, out _, out DType dtype);
            int n = a.Length;
            float[] d = [.. Enumerable.Range(0, n).Select(i => (float)Oracle.Round((float)b[i] - (float)c[i], DType.BF16))];
            float[] median = [.. Enumerable.Range(0, n).Select(i => Median3(d[Reflect(i - 1, n)], d[i], d[Reflect(i + 1, n)]))];
            for (int i = 0; i < n; i++)
            {
                double t = median[i] * s_gaussianTaps[4];
                for (int j = 4; j >= 1; j--)
                {
                    t += ((double)median[Reflect(i - j, n)] + median[Reflect(i + j, n)]) * s_gaussianTaps[4 - j];
                }

                Assert.Equal(Oracle.Round((float)a[i] + (0.5f * (float)t), dtype), o[i]);
            }
        }
    }

    [Fact]
    public void Extract_is_within_one_ulp_of_a_double_computation()
    {
        string output = Merge(new MergeRecipe { Mode = MergeMode.AddDifference, CalcMode = CalcMode.Extract, Alpha = 0.4, Beta = 0.3, Gamma = 0.3 }, "extract");
        foreach (string key in Keys(output, rank: 2))
        {
            double[] a = Oracle.Read(models.A, key, out IReadOnlyList<long> shape, out _), b = Oracle.Read(models.B, key), c = Oracle.Read(models.C, key);
            double[] o = Oracle.Read(output, key, out _, out DType dtype);
            int columns = (int)shape[^1];
            for (int r = 0; r < o.Length / columns; r++)
            {
                double dot = 0, xx = 0, yy = 0;
                for (int j = 0; j < columns; j++)
                {
                    int i = (r * columns) + j;
                    double x = (float)((float)b[i] - (float)a[i]), y = (float)((float)c[i] - (float)a[i]);
                    dot += x * y;
                    xx += x * x;
                    yy += y * y;
                }

                double cosine = Math.Clamp(dot / (Math.Max(Math.Sqrt(xx), 1e-8) * Math.Max(Math.Sqrt(yy), 1e-8)), -1, 1);
                double dd = Math.Pow((cosine + 1) / 2, 0.3);
                double w = dd + (0.3 * (1 - dd - dd));
                for (int j = 0; j < columns; j++)
                {
                    int i = (r * columns) + j;
                    double x = (float)((float)b[i] - (float)a[i]), y = (float)((float)c[i] - (float)a[i]);
                    double expected = a[i] + ((x + (0.4 * (y - x))) * w);
                    Assert.True(Math.Abs(expected - o[i]) <= 1.01 * Oracle.Ulp(expected, dtype), $"{key}[{i}]: {o[i]} vs {expected}");
                }
            }
        }
    }

    [Fact]
    public void Position_ids_merge_truncates_the_merged_floats()
    {
        string output = Merge(new MergeRecipe { PositionIds = PositionIdsPolicy.Merge, Alpha = 0.5 }, "pos-merge");
        using SafeTensorsFile file = SafeTensorsFile.Open(output);
        TensorInfo ids = file.Tensors.Single(t => t.Name.EndsWith("embeddings.position_ids", StringComparison.Ordinal));
        double[] a = Oracle.Read(models.A, ids.Name), b = Oracle.Read(models.B, ids.Name);
        double[] o = Oracle.Read(output, ids.Name, out _, out DType dtype);
        Assert.Equal(DType.I64, dtype);
        for (int i = 0; i < o.Length; i++)
        {
            Assert.Equal(Math.Truncate(Oracle.Lerp((float)a[i], (float)b[i], 0.5f)), o[i]);
        }
    }

    private static double Tap(long mantissa, int exponent) => BitConverter.Int64BitsToDouble(((long)(1023 + exponent) << 52) | mantissa);

    private static float Median3(float x, float y, float z) => Math.Max(Math.Min(x, y), Math.Min(Math.Max(x, y), z));

    private static int Reflect(int i, int n)
    {
        int m = ((i % (2 * n)) + (2 * n)) % (2 * n);
        return m < n ? m : (2 * n) - 1 - m;
    }

    private string Merge(MergeRecipe recipe, string name)
    {
        recipe = recipe with
        {
            A = new MergeInput(models.A),
            B = new MergeInput(models.B),
            C = recipe.UsesModelC ? new MergeInput(models.C) : null,
        };
        string output = models.Output("oracle-" + name);
        FastMerger.Merge(recipe, output, new MergeOptions { Overwrite = true, Threads = 2, HashInputs = false, HashOutput = false });
        return output;
    }

    /// <summary>A few merged keys of the given rank (or 1 and 2), spread over the model.</summary>
    private IEnumerable<string> Keys(string output, int? rank = null)
    {
        using SafeTensorsFile a = SafeTensorsFile.Open(models.A);
        using SafeTensorsFile o = SafeTensorsFile.Open(output);
        string[] candidates = [.. a.Tensors
            .Where(t => DTypeInfo.IsFloating(t.DType) && t.ElementCount > 1 && (rank is null ? t.Rank is 1 or 2 : t.Rank == rank))
            .Where(t => !t.Name.Contains("first_stage_model", StringComparison.Ordinal))
            .Select(t => t.Name)];
        Assert.NotEmpty(candidates);
        return [.. Enumerable.Range(0, 6).Select(i => candidates[i * (candidates.Length - 1) / 5]).Distinct()];
    }
}
