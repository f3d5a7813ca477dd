using Fast.Kernels.Methods;

namespace Fast.Bench.Kernels;

/// <summary>
/// TIES' fused pass (<see cref="TiesCombine.Apply"/>) and the separate sign election (<see cref="MethodKernels.SignElectedMean"/>)
/// on one thread, over the engine's cache-sized pieces (64 Ki elements, 3 models over a base, density 0.5), interleaved
/// call by call (best of many rounds, so load from other work slows every row alike):
/// <c>dotnet Fast.Bench.dll ties-micro [SECONDS [BASELINE_FAST_KERNELS_DLL]]</c>. With a second Fast.Kernels.dll (another
/// build, e.g. main's) its two kernels are loaded into their own load context and timed in the same rounds, and their
/// outputs are compared bit for bit with this build's: a before/after check of a kernel change on one machine.
/// </summary>
internal static class TiesCombineMicro
{
    private const int Piece = 1 << 16;
    private const int Models = 3;
    private const int PiecesPerCall = 16;

    private delegate void TiesApply(
        ReadOnlySpan<float> baseValues, ReadOnlySpan<float[]> models, ReadOnlySpan<uint> thresholds, Span<long> equalToKeep, ReadOnlySpan<float> weights, bool normalize, float lambda, Span<float> destination);

    private delegate void SignElectedMeanCall(IReadOnlyList<float[]> weightedDeltas, ReadOnlySpan<float> weights, bool normalize, Span<float> mixed);

    public static void Run(double seconds, string baselinePath)
    {
        var random = new Random(15);
        float[] baseValues = Values(random, 0f);
        float[][] models = [.. Enumerable.Range(0, Models).Select(_ => Values(random, 0.01f))];
        float[][] weighted = [.. models.Select(m => m.Select((v, i) => 0.7f * (v - baseValues[i])).ToArray())];
        float[] weights = [1.0f, 0.7f, 0.4f];
        (uint[] thresholds, long[] equalToKeep) = Thresholds(baseValues, models);

        var rows = new List<(string Name, Action Action, float[] Output)>();
        AddRows(rows, "this build", TiesCombine.Apply, MethodKernels.SignElectedMean, baseValues, models, weighted, thresholds, equalToKeep, weights);
        if (baselinePath.Length > 0)
        {
            AddRows(
                rows,
                "baseline",
                BaselineBuild.Method<TiesApply>(baselinePath, "Fast.Kernels.Methods.TiesCombine", nameof(TiesCombine.Apply)),
                BaselineBuild.Method<SignElectedMeanCall>(baselinePath, "Fast.Kernels.Methods.MethodKernels", nameof(MethodKernels.SignElectedMean)),
                baseValues,
                models,
                weighted,
                thresholds,
                equalToKeep,
                weights);
        }

        double[] best = InterleavedTiming.Best([.. rows.Select(r => r.Action)], seconds, minRounds: 20);
        Console.WriteLine($"| {Environment.ProcessorCount} logical CPUs, 1 thread, {Models} models, {PiecesPerCall} pieces of {Piece} elements per call | ms per M elements (best) | / first row of its kernel |");
        Console.WriteLine("|---|---|---|");
        for (int i = 0; i < rows.Count; i++)
        {
            double unit = best[i % 2];
            Console.WriteLine($"| {rows[i].Name} | {best[i] * 1e3 / (PiecesPerCall * Piece / 1e6):F3} | {best[i] / unit:F3} |");
        }

        for (int i = 2; i < rows.Count; i++)
        {
            bool same = rows[i].Output.AsSpan().SequenceEqual(rows[i % 2].Output);
            Console.WriteLine($"{rows[i].Name}: output {(same ? "bit-identical to" : "DIFFERS from")} {rows[i % 2].Name}");
        }
    }

    private static void AddRows(
        List<(string Name, Action Action, float[] Output)> rows, string build, TiesApply ties, SignElectedMeanCall signElectedMean,
        float[] baseValues, float[][] models, float[][] weighted, uint[] thresholds, long[] equalToKeep, float[] weights)
    {
        float[] tiesOutput = new float[Piece], meanOutput = new float[Piece];
        long[] counters = new long[Models];
        rows.Add(($"TiesCombine.Apply, {build}", () =>
        {
            for (int p = 0; p < PiecesPerCall; p++)
            {
                equalToKeep.CopyTo(counters, 0);
                ties(baseValues, models, thresholds, counters, weights, normalize: true, 1f, tiesOutput);
            }
        }, tiesOutput));
        rows.Add(($"MethodKernels.SignElectedMean, {build}", () =>
        {
            for (int p = 0; p < PiecesPerCall; p++)
            {
                signElectedMean(weighted, weights, normalize: true, meanOutput);
            }
        }, meanOutput));
    }

    /// <summary>Weights-like values: normal-ish, |x| up to 0.1, plus <paramref name="spread"/>-sized differences.</summary>
    private static float[] Values(Random random, float spread)
    {
        var values = new float[Piece];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() - 0.5) * (spread == 0f ? 0.2 : spread));
        }

        return values;
    }

    /// <summary>
    /// Per model, the threshold of density 0.5 found by sorting its difference magnitudes (the k-th largest pattern),
    /// and how many equal to it are kept: the inputs <see cref="MagnitudeTrim.DifferenceThreshold"/> would give.
    /// </summary>
    private static (uint[] Thresholds, long[] EqualToKeep) Thresholds(float[] baseValues, float[][] models)
    {
        long keep = Piece / 2;
        var thresholds = new uint[models.Length];
        var equalToKeep = new long[models.Length];
        for (int m = 0; m < models.Length; m++)
        {
            uint[] patterns = [.. models[m].Select((v, i) => BitConverter.SingleToUInt32Bits(v - baseValues[i]) & 0x7FFF_FFFFu)];
            Array.Sort(patterns);
            Array.Reverse(patterns);
            thresholds[m] = patterns[keep - 1];
            equalToKeep[m] = keep - patterns.Count(p => p > thresholds[m]);
        }

        return (thresholds, equalToKeep);
    }
}
