using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Fast.Kernels;
using Fast.Merging.Methods;
using Fast.Merging.Planning;
using Fast.Merging.PositionIds;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Merging.Execution.Calcmodes;

/// <summary>
/// The cosine calcmodes' first pass (the reference's <c>precosine</c>): similarities of every key marked
/// <see cref="PlannedTensor.InCosineStats"/>, concatenated in A's key order as double, NaN dropped, values below
/// the 1st and then above the 99th percentile (numpy <c>midpoint</c>) removed; the merge pass maps each key's
/// combined similarity through the remaining minimum and maximum. Keys are measured in parallel; the set and its
/// order do not depend on the thread count.
/// </summary>
internal sealed class CosineStatistics
{
    private readonly ConcurrentDictionary<string, float[]> _combined;

    // A key's weights are asked for once per chunk of its merge pass.
    private readonly ConcurrentDictionary<string, float[]> _weights = new(StringComparer.Ordinal);

    private CosineStatistics(double min, double max, ConcurrentDictionary<string, float[]> combined)
    {
        Min = min;
        Max = max;
        _combined = combined;
    }

    public double Min { get; }

    public double Max { get; }

    /// <summary>
    /// Measures every key of the first pass. It always runs on the CPU, whatever the device: the similarities must be
    /// torch's bits (its reduction orders, <see cref="CosineSimilarity"/>), which the device's reductions are not.
    /// </summary>
    public static CosineStatistics Compute(MergePlan plan, MergeSources sources, int threads, CancellationToken cancellation)
    {
        bool favorA = CalcModeCatalog.Get(plan.Recipe.CalcMode).CosineFavorsA == true;
        bool difference = MergeModeCatalog.Get(plan.Recipe.Mode).UsesC; // add difference: B − C against A
        PlannedTensor[] measured = [.. plan.Tensors.Where(t => t.InCosineStats)];
        var statistics = new float[measured.Length][];
        var combined = new ConcurrentDictionary<string, float[]>(StringComparer.Ordinal);

        // Largest keys first, each worker taking the next: a big key started last would leave the others idle. Keys of
        // one shape that are swept from their stored bytes go in pairs, whose products sweeps run side by side.
        KeyInputs?[] inputs = [.. measured.Select(t => StreamedInputs(t, sources, difference))];
        int[][] units = WorkUnits(measured, inputs);
        int next = -1;
        Parallel.For(
            0,
            Math.Min(Math.Max(1, threads), Math.Max(1, units.Length)),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads), CancellationToken = cancellation },
            _ =>
            {
                var scratch = new CosineScratch();
                CosineScratch? pairScratch = null;
                for (int n = Interlocked.Increment(ref next); n < units.Length; n = Interlocked.Increment(ref next))
                {
                    cancellation.ThrowIfCancellationRequested();
                    int[] unit = units[n];
                    if (unit.Length == 2)
                    {
                        pairScratch ??= new CosineScratch();
                        (CosineSimilarity.KeySimilarity first, CosineSimilarity.KeySimilarity second) = StreamedCosineSimilarity.ComputePair(
                            favorA, inputs[unit[0]]!.Stored, inputs[unit[1]]!.Stored, inputs[unit[0]]!.Shape, scratch, pairScratch);
                        Record(unit[0], first);
                        Record(unit[1], second);
                        continue;
                    }

                    int i = unit[0];
                    PlannedTensor t = measured[i];
                    KeyInputs? streamed = inputs[i];
                    CosineSimilarity.KeySimilarity similarity = PositionIdsKeys.IsPositionIds(t.Name) ? MeasurePositionIds(favorA, t, sources)
                        : streamed is not null ? StreamedCosineSimilarity.Compute(favorA, streamed.Stored, streamed.Shape, scratch)
                        : MeasureWhole(favorA, difference, t, sources);
                    Record(i, similarity);
                }
            });

        void Record(int i, CosineSimilarity.KeySimilarity similarity)
        {
            statistics[i] = similarity.Statistic;
            if (measured[i].Action == TensorAction.Merge)
            {
                combined[measured[i].Name] = similarity.Combined;
            }
        }

        // Between the two parallel passes, on one thread: arrays and plain loops (a list grown one value at a time
        // and LINQ filters over a million values ran there as tier-0 code).
        double[] values = Finite(statistics);
        int kept = Trim(values, values.Length, 1, below: true);
        kept = Trim(values, kept, 99, below: false);
        if (kept == 0)
        {
            throw new MergePlanException($"calcmode {RecipeNames.Name(plan.Recipe.CalcMode)} found no finite similarities to measure; use calcmode normal");
        }

        // The first of equal values stays, as Enumerable.Min / Max keep it (so −0 and +0 resolve as before).
        double min = values[0], max = values[0];
        foreach (double v in values.AsSpan(1, kept - 1))
        {
            if (v < min)
            {
                min = v;
            }

            if (v > max)
            {
                max = v;
            }
        }

        return new CosineStatistics(min, max, combined);
    }

    /// <summary>The per-column weight <c>k = clip((combined − min)/(max − min) − α, 0, 1)</c>, in torch's f32 ops (computed once per key).</summary>
    public float[] Weights(PlannedTensor tensor, bool favorA) =>
        _weights.GetOrAdd(tensor.Name, _ => ComputeWeights(tensor, favorA));

    private float[] ComputeWeights(PlannedTensor tensor, bool favorA)
    {
        float[] combined = _combined[tensor.Name];
        float min = (float)Min;
        float range = (float)(Max - Min);
        float alpha = (float)(favorA ? Math.Abs(tensor.Alpha) : tensor.Alpha);
        var k = new float[combined.Length];
        for (int j = 0; j < k.Length; j++)
        {
            // Math.Clamp keeps NaN, as torch's clip does.
            k[j] = Math.Clamp(((combined[j] - min) / range) - alpha, 0f, 1f);
        }

        return k;
    }

    /// <summary>A (f32) and B, or B − C rounded to B's dtype in add difference, over the merged region.</summary>
    public static void Inputs(Operands operands, bool difference, out Span<float> a, out Span<float> other)
    {
        a = operands.Widened(operands.A, operands.TypeA);
        other = operands.Widened(operands.B, operands.TypeB);
        if (difference)
        {
            Span<float> c = operands.Widened(operands.C, operands.TypeC);
            MergeKernels.Subtract(other, c, other);
            ElementConvert.RoundTo(other, operands.TypeB);
        }
    }

    /// <summary>A key swept by rows from its stored bytes: the reads of its operands and its shape.</summary>
    private sealed record KeyInputs(StoredPair Stored, long[] Shape);

    /// <summary>
    /// The work of the pass, largest keys first: each unit one key, or two keys of one shape swept from their stored
    /// bytes (<see cref="StreamedCosineSimilarity.ComputePair"/>). Which keys pair depends only on the plan, never on
    /// the thread count, and no result depends on the pairing.
    /// </summary>
    private static int[][] WorkUnits(PlannedTensor[] measured, KeyInputs?[] inputs)
    {
        int[] order = [.. Enumerable.Range(0, measured.Length)
            .OrderByDescending(i => Elements(measured[i]))
            .ThenBy(i => string.Join(',', measured[i].Shape))
            .ThenBy(i => i)];
        var units = new List<int[]>(order.Length);
        for (int n = 0; n < order.Length; n++)
        {
            int i = order[n];
            if (n + 1 < order.Length && Pairs(inputs[i], inputs[order[n + 1]]))
            {
                units.Add([i, order[n + 1]]);
                n++;
            }
            else
            {
                units.Add([i]);
            }
        }

        return [.. units];
    }

    private static bool Pairs(KeyInputs? first, KeyInputs? second) =>
        first is not null && second is not null && StreamedCosineSimilarity.CanPair(first.Shape, second.Shape);

    /// <summary>
    /// The reads of a key that can be swept by rows from its stored bytes (<see cref="StreamedCosineSimilarity"/>):
    /// every operand holds the whole key and the shape allows it. Null for the others, which are measured on the
    /// widened whole tensor (<see cref="MeasureWhole"/>); both give <see cref="CosineSimilarity.Compute"/>'s bits.
    /// </summary>
    private static KeyInputs? StreamedInputs(PlannedTensor t, MergeSources sources, bool difference)
    {
        long[] shape = [.. t.Shape];
        long elements = Elements(t);
        bool whole = t.MergedChannels is null
            && sources.A[t.Name].ElementCount == elements
            && sources.B[t.Name].ElementCount == elements
            && (!difference || sources.C![t.Name].ElementCount == elements);
        if (PositionIdsKeys.IsPositionIds(t.Name) || !whole || !StreamedCosineSimilarity.Supports(shape))
        {
            return null;
        }

        var stored = new StoredPair(
            Stored(sources, sources.A, t), ElementTypes.Of(sources.A[t.Name].DType),
            Stored(sources, sources.B, t), ElementTypes.Of(sources.B[t.Name].DType),
            difference ? Stored(sources, sources.C!, t) : null, difference ? ElementTypes.Of(sources.C![t.Name].DType) : default,
            difference,
            elements);
        return new KeyInputs(stored, shape);
    }

    /// <summary>One key's similarities on the widened whole tensor.</summary>
    private static CosineSimilarity.KeySimilarity MeasureWhole(bool favorA, bool difference, PlannedTensor t, MergeSources sources)
    {
        using var operands = new Operands(sources, t);
        Inputs(operands, difference, out Span<float> x, out Span<float> y);
        return CosineSimilarity.Compute(favorA, x, y, operands.Shape);
    }

    private static long Elements(PlannedTensor t) => t.Shape.Aggregate(1L, (product, d) => product * d);

    /// <summary>Reads of a key's stored bytes in one input, as the sweeps' windows ask for them.</summary>
    private static StoredBytesReader Stored(MergeSources sources, SafeTensorsFile file, PlannedTensor t)
    {
        TensorInfo info = file[t.Name];
        return (byteOffset, destination) => sources.Reader.CopyTo(file, info, byteOffset, destination);
    }

    /// <summary>
    /// A's and B's ids as f32, whatever the policy and the mode: the reference's add-difference stage 0 subtracts C
    /// only from weight and bias keys, so its pass sees B's raw ids. The shape is A's stored one (the plan's is the
    /// reset shape under policy reset).
    /// </summary>
    private static CosineSimilarity.KeySimilarity MeasurePositionIds(bool favorA, PlannedTensor t, MergeSources sources)
    {
        TensorInfo ids = sources.A[t.Name];
        float[] a = PositionIdsValues.Read(sources.Reader, sources.A, ids);
        float[] other = PositionIdsValues.Read(sources.Reader, sources.B, sources.B[t.Name]);
        return CosineSimilarity.Compute(favorA, a, other, [.. ids.Shape]);
    }

    /// <summary>The keys' statistic values in A's key order as double, NaN dropped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per merge, over a million values: optimised from its first call
    private static double[] Finite(float[][] statistics)
    {
        int count = 0;
        foreach (float[] part in statistics)
        {
            foreach (float v in part)
            {
                count += float.IsNaN(v) ? 0 : 1;
            }
        }

        var values = new double[count];
        int n = 0;
        foreach (float[] part in statistics)
        {
            foreach (float v in part)
            {
                if (!float.IsNaN(v))
                {
                    values[n++] = v;
                }
            }
        }

        return values;
    }

    /// <summary>
    /// Removes the values below (or above) the q-th percentile of the first <paramref name="count"/> values, keeping
    /// the rest in order at the front; returns how many are kept.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per merge, over a million values: optimised from its first call
    private static int Trim(double[] values, int count, double q, bool below)
    {
        if (count == 0)
        {
            return 0;
        }

        double bound = Percentile.MidpointOfUnsorted(values.AsSpan(0, count), q);
        int kept = 0;
        for (int i = 0; i < count; i++)
        {
            double v = values[i];
            if (below ? !(v < bound) : !(v > bound))
            {
                values[kept++] = v;
            }
        }

        return kept;
    }
}
