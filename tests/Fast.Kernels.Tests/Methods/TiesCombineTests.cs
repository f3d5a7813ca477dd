using Fast.Kernels.Methods;
using Xunit;

namespace Fast.Kernels.Tests.Methods;

/// <summary>
/// The fused TIES pass (<see cref="TiesCombine"/>) and the unstored-difference threshold
/// (<see cref="MagnitudeTrim.DifferenceThreshold"/>, <see cref="MagnitudeBracket.EstimateDifference"/>) against two
/// oracles: a scalar loop written here from the definition (the kept set by a sort on (pattern descending, index
/// ascending), then f32 operations in the documented order), and the separate kernels the fused pass replaces
/// (subtract, trim, scale, sign-elected mean, base + λ·mixed). Every length 0..67 (each vector body and tail, at
/// every width via the ISA matrix), NaN, ±∞, −0, subnormals, many magnitudes equal to the threshold, negative and zero
/// weights, with and without normalisation, and a tensor fed in odd-sized pieces.
/// </summary>
[Trait("Isa", "Core")]
public class TiesCombineTests
{
    public static TheoryData<int, int, bool> Shapes()
    {
        var data = new TheoryData<int, int, bool>();
        for (int n = 0; n <= 67; n++)
        {
            data.Add(n, 3, n % 2 == 0);
        }

        data.Add(1031, 1, true);
        data.Add(4099, 5, false);
        data.Add(70_001, 3, true);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void FusedPassIsTheDefinitionAndTheSeparateKernels(int n, int modelCount, bool normalize)
    {
        float[] baseValues = Values(n, seed: n + 100, rounded: true);
        float[][] models = [.. Enumerable.Range(0, modelCount).Select(m => Values(n, seed: (n * 7) + m, rounded: m % 2 == 0))];
        float[] weights = [.. new[] { 0.7f, -0.4f, 1.3f, 0f, 0.25f }.Take(modelCount)];
        const float lambda = 0.9f;
        foreach (double density in new[] { 0.1, 0.5, 0.93 })
        {
            long keep = MagnitudeTrim.KeptCount(density, n);
            if (keep <= 0 || keep >= n)
            {
                continue; // keeping all or nothing is the caller's case
            }

            float[][] differences = [.. models.Select(model => model.Zip(baseValues, (x, b) => x - b).ToArray())];
            uint[] thresholds = [.. differences.Select(d => MagnitudeTrim.RadixSelect(d, keep, out _))];
            long[] equalToKeep = [.. differences.Select((d, m) => keep - d.LongCount(v => Magnitude(v) > thresholds[m]))];

            float[] fused = new float[n];
            TiesCombine.Apply(baseValues, models, thresholds, equalToKeep, weights, normalize, lambda, fused);

            Assert.Equal(Bits(Definition(baseValues, differences, keep, weights, normalize, lambda)), Bits(fused));
            Assert.Equal(Bits(SeparateKernels(baseValues, models, keep, weights, normalize, lambda)), Bits(fused));
            Assert.All(equalToKeep, left => Assert.Equal(0, left));
        }
    }

    [Theory]
    [InlineData(100, 37)]
    [InlineData(1000, 333)]
    [InlineData(67, 20)]
    public void TheCounterOfEqualMagnitudesRunsOutInsideAVector(int n, long keep)
    {
        // Nearly every difference has magnitude 0.5: the equal ones are kept in index order until the counter runs
        // out, which happens between two equal lanes of one vector at every width.
        float[] baseValues = [.. Enumerable.Range(0, n).Select(i => (float)(i % 5))];
        float[][] models =
        [
            [.. baseValues.Select((b, i) => i % 11 == 3 ? b + 2f : i % 3 == 0 ? b - 0.5f : b + 0.5f)],
            [.. baseValues.Select((b, i) => i % 2 == 0 ? b + 0.5f : b - 0.5f)],
            [.. baseValues.Select((b, i) => i % 7 == 0 ? b - 1.5f : b + 0.5f)],
        ];
        float[] weights = [1f, 0.5f, 2f];
        float[][] differences = [.. models.Select(model => model.Zip(baseValues, (x, b) => x - b).ToArray())];
        uint[] thresholds = [.. differences.Select(d => MagnitudeTrim.RadixSelect(d, keep, out _))];
        long[] equalToKeep = [.. differences.Select((d, m) => keep - d.LongCount(v => Magnitude(v) > thresholds[m]))];
        Assert.All(thresholds, t => Assert.Equal(Magnitude(0.5f), t));

        float[] fused = new float[n];
        TiesCombine.Apply(baseValues, models, thresholds, equalToKeep, weights, true, 1f, fused);
        Assert.Equal(Bits(Definition(baseValues, differences, keep, weights, true, 1f)), Bits(fused));
        Assert.Equal(Bits(SeparateKernels(baseValues, models, keep, weights, true, 1f)), Bits(fused));
        Assert.All(equalToKeep, left => Assert.Equal(0, left));
    }

    [Theory]
    [InlineData(100_003, 7)]
    [InlineData(70_001, 4096)]
    [InlineData(5_000, 1)]
    public void PiecesInOrderGiveTheWholeTensorsBytes(int n, int piece)
    {
        float[] baseValues = Values(n, seed: 1, rounded: true);
        float[][] models = [Values(n, seed: 2, rounded: true), Values(n, seed: 3, rounded: true), Values(n, seed: 4, rounded: false)];
        float[] weights = [1f, 1f, 1f];
        long keep = MagnitudeTrim.KeptCount(0.5, n);
        float[][] differences = [.. models.Select(model => model.Zip(baseValues, (x, b) => x - b).ToArray())];
        uint[] thresholds = [.. differences.Select(d => MagnitudeTrim.RadixSelect(d, keep, out _))];
        long[] Counters() => [.. differences.Select((d, m) => keep - d.LongCount(v => Magnitude(v) > thresholds[m]))];

        float[] whole = new float[n];
        TiesCombine.Apply(baseValues, models, thresholds, Counters(), weights, true, 1f, whole);

        float[] pieces = new float[n];
        long[] counters = Counters();
        for (int start = 0; start < n; start += piece)
        {
            int count = Math.Min(piece, n - start);
            float[][] modelPieces = [.. models.Select(m => m.AsSpan(start, count).ToArray())];
            TiesCombine.Apply(baseValues.AsSpan(start, count), modelPieces, thresholds, counters, weights, true, 1f, pieces.AsSpan(start, count));
        }

        Assert.Equal(Bits(whole), Bits(pieces));
        Assert.Equal(Bits(Definition(baseValues, differences, keep, weights, true, 1f)), Bits(whole));
    }

    [Theory]
    [InlineData(5, false)]
    [InlineData(4099, true)]
    [InlineData(65_536, false)]
    [InlineData(300_007, true)]
    [InlineData(300_007, false)]
    public void DifferenceThresholdIsTheStoredDifferencesSelect(int n, bool rounded)
    {
        float[] model = Values(n, seed: n + 11, rounded), baseValues = Values(n, seed: n + 12, rounded);
        float[] difference = [.. model.Zip(baseValues, (x, b) => x - b)];
        uint[] descending = [.. difference.Select(Magnitude).OrderDescending()];
        float[] scratch = new float[n];
        foreach (long keep in new long[] { 1, 2, MagnitudeTrim.KeptCount(0.5, n), n - 1 }.Where(k => k >= 1 && k < n).Distinct())
        {
            uint threshold = MagnitudeTrim.DifferenceThreshold(model, baseValues, keep, scratch, out long above);
            Assert.Equal(descending[keep - 1], threshold);
            Assert.Equal(descending.LongCount(p => p > threshold), above);
        }

        if (n >= MagnitudeBracket.MinElements)
        {
            long half = MagnitudeTrim.KeptCount(0.5, n);
            Assert.Equal(MagnitudeBracket.Estimate(difference, half, n, 0.005), MagnitudeBracket.EstimateDifference(model, baseValues, half, n, 0.005));
        }
    }

    [Fact]
    public void DifferenceThresholdFallsBackWhenTheBracketMisses()
    {
        // Every difference has the same magnitude: the bracket cannot resolve, the radix select over the stored
        // differences (in the scratch) decides.
        const int n = 100_000;
        float[] baseValues = [.. Enumerable.Range(0, n).Select(i => i % 3 == 0 ? 1f : -2f)];
        float[] model = [.. baseValues.Select((b, i) => i % 2 == 0 ? b + 0.5f : b - 0.5f)];
        long keep = MagnitudeTrim.KeptCount(0.5, n);
        uint threshold = MagnitudeTrim.DifferenceThreshold(model, baseValues, keep, new float[n], out long above);
        Assert.Equal(Magnitude(0.5f), threshold);
        Assert.Equal(0, above);
    }

    /// <summary>TIES written out element by element from its definition, the kept set from a sort.</summary>
    private static float[] Definition(float[] baseValues, float[][] differences, long keep, float[] weights, bool normalize, float lambda)
    {
        int n = baseValues.Length;
        bool[][] kept = [.. differences.Select(d => SortKept(d, keep))];
        float[] result = new float[n];
        float[] terms = new float[differences.Length];
        for (int i = 0; i < n; i++)
        {
            float sum = 0f;
            for (int m = 0; m < differences.Length; m++)
            {
                terms[m] = weights[m] * (kept[m][i] ? differences[m][i] : 0f);
                sum += terms[m];
            }

            float acc = 0f, divisor = 0f;
            for (int m = 0; m < differences.Length; m++)
            {
                bool elected = sum >= 0f ? terms[m] > 0f : terms[m] < 0f;
                if (elected)
                {
                    acc += terms[m];
                    divisor += weights[m];
                }
            }

            float mixed = normalize ? acc / (divisor == 0f ? 1f : divisor) : acc;
            result[i] = baseValues[i] + (lambda * mixed);
        }

        return result;
    }

    /// <summary>The kernels the fused pass replaced, in the order the method ran them.</summary>
    private static float[] SeparateKernels(float[] baseValues, float[][] models, long keep, float[] weights, bool normalize, float lambda)
    {
        int n = baseValues.Length;
        var weighted = new float[models.Length][];
        for (int m = 0; m < models.Length; m++)
        {
            float[] d = new float[n];
            MethodKernels.Subtract(models[m], baseValues, d);
            MagnitudeTrim.KeepLargest(d, keep);
            MethodKernels.Scale(d, weights[m], d);
            weighted[m] = d;
        }

        float[] mixed = new float[n];
        MethodKernels.SignElectedMean(weighted, weights, normalize, mixed);
        float[] result = (float[])baseValues.Clone();
        MethodKernels.AddScaled(result, mixed, lambda);
        return result;
    }

    private static bool[] SortKept(float[] values, long keep)
    {
        var kept = new bool[values.Length];
        foreach (int i in Enumerable.Range(0, values.Length).OrderByDescending(i => Magnitude(values[i])).ThenBy(i => i).Take((int)keep))
        {
            kept[i] = true;
        }

        return kept;
    }

    private static float[] Values(int n, int seed, bool rounded)
    {
        // Normal-ish values, rounded to a few levels for many equal magnitudes (differences at the threshold), with
        // NaN, ±∞, −0 and subnormals sprinkled in.
        var random = new Random(seed);
        float[] values = new float[n];
        for (int i = 0; i < n; i++)
        {
            double x = (random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5) * 0.02;
            values[i] = rounded ? (float)Math.Round(x * 200, 0) / 200 : (float)x;
        }

        float[] special = [0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 1e-40f, -1e-40f, BitConverter.UInt32BitsToSingle(0xFFC0_0001)];
        for (int i = (seed % 5) + 1; i < n; i += 37)
        {
            values[i] = special[((i / 37) + seed) % special.Length];
        }

        return values;
    }

    private static uint Magnitude(float v) => BitConverter.SingleToUInt32Bits(v) & 0x7FFF_FFFF;

    private static uint[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToUInt32Bits)];
}
