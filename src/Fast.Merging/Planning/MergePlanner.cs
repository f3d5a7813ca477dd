using System.Globalization;
using Fast.Merging.Architectures;
using Fast.Merging.Blocks;
using Fast.Merging.PositionIds;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Merging.Planning;

/// <summary>
/// Decides every output tensor of a merge (SPEC §6) before a byte is written, and raises every
/// incompatibility (shapes, missing models, recipe limits) here rather than halfway through the output.
/// </summary>
public static class MergePlanner
{
    /// <summary>Plans <paramref name="recipe"/> over the opened inputs (<paramref name="c"/> only for three-model modes).</summary>
    public static MergePlan Plan(MergeRecipe recipe, SafeTensorsFile a, SafeTensorsFile b, SafeTensorsFile? c)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);

        ArchitectureRecognition arch = ArchitectureRecognizer.Recognize(a.Tensors.Select(t => new TensorKey(t.Name, t.Shape)));
        RecipeValidator.EnsureValid(recipe, arch.BlockLayout);
        if (recipe.CalcMode != CalcMode.Normal)
        {
            throw new MergePlanException($"calcmode {RecipeNames.Name(recipe.CalcMode)} is not available in this version; use calcmode normal");
        }

        if (recipe.PositionIds == PositionIdsPolicy.Merge)
        {
            throw new MergePlanException("--position-ids merge is not available in this version; use reset or keep");
        }

        if (recipe.UsesModelC && c is null)
        {
            throw new MergePlanException($"mode {RecipeNames.ShortName(recipe.Mode)} needs a third model: give it with -c");
        }

        bool scaled = recipe.Mode == MergeMode.ScaledSum;
        BlockWeights? alphas = Weights(scaled ? recipe.ScaledSumWeightsA : recipe.WeightsAlpha, arch.BlockLayout, recipe.Alpha, "alpha");
        BlockWeights? betas = Weights(scaled ? recipe.ScaledSumWeightsB : recipe.WeightsBeta, arch.BlockLayout, recipe.Beta, "beta");
        var filter = new BlockFilter(recipe.Exclude, recipe.Include);

        var planned = new List<PlannedTensor>(a.Tensors.Count);
        foreach (TensorInfo ta in a.Tensors)
        {
            string block = BlockMapper.BlockOf(ta.Name, arch.BlockLayout);
            DType output = ElementTypes.Output(ta.DType, recipe.OutputDType);
            double alpha = alphas?.ForKey(ta.Name) ?? recipe.Alpha;
            double beta = betas?.ForKey(ta.Name) ?? recipe.Beta;

            if (PositionIdsKeys.IsPositionIds(ta.Name))
            {
                planned.Add(recipe.PositionIds == PositionIdsPolicy.Reset
                    ? new PlannedTensor(ta.Name, DType.I64, PositionIdsReset.Shape(PositionIdsLength(ta)), TensorAction.ResetPositionIds, block, 0, 0)
                    : new PlannedTensor(ta.Name, ta.DType, ta.Shape, TensorAction.CopyA, block, 0, 0));
                continue;
            }

            bool mergeable = ElementTypes.TryGet(ta.DType, out _)
                && !filter.IsExcluded(ta.Name, block)
                && b.TryGetTensor(ta.Name, out TensorInfo? tb)
                && ElementTypes.TryGet(tb.DType, out _);
            TensorInfo? tc = null;
            if (mergeable && recipe.UsesModelC)
            {
                mergeable = c!.TryGetTensor(ta.Name, out tc) && ElementTypes.TryGet(tc.DType, out _);
            }

            if (!mergeable)
            {
                planned.Add(new PlannedTensor(ta.Name, output, ta.Shape, TensorAction.CopyA, block, 0, 0));
                continue;
            }

            long? channels = MergedChannels(ta, b[ta.Name], "B");
            if (tc is not null)
            {
                long? channelsC = MergedChannels(ta, tc, "C");
                if (channelsC != channels)
                {
                    throw new MergePlanException($"{ta.Name}: B and C have different shapes; they cannot be merged together");
                }
            }

            planned.Add(new PlannedTensor(ta.Name, output, ta.Shape, TensorAction.Merge, block, alpha, beta, channels));
        }

        var metadata = new List<KeyValuePair<string, string>>
        {
            new("format", "pt"),
            new("fastmerge.version", typeof(MergePlanner).Assembly.GetName().Version?.ToString(3) ?? "0"),
            new("fastmerge.recipe", RecipeJson.Serialize(recipe)),
        };
        return new MergePlan(recipe, arch.Id, planned, metadata);
    }

    private static BlockWeights? Weights(string? text, BlockLayout layout, double baseValue, string what)
    {
        if (text is null)
        {
            return null;
        }

        if (layout == BlockLayout.None)
        {
            throw new MergePlanException($"block weights for {what} need an SD1, SD2 or SDXL model as A; this architecture is unknown, use a global --{what}");
        }

        return BlockWeights.Parse(text, layout, baseValue);
    }

    private static int PositionIdsLength(TensorInfo t) =>
        t.Shape.Count == 2 && t.Shape[0] == 1 && t.Shape[1] is > 0 and <= 1_000_000
            ? (int)t.Shape[1]
            : throw new MergePlanException($"{t.Name}: position ids must have shape [1, n], found [{string.Join(", ", t.Shape)}]");

    /// <summary>Null when shapes are equal; the leading channel count when A is the wider inpainting/pix2pix model.</summary>
    private static long? MergedChannels(TensorInfo a, TensorInfo other, string which)
    {
        if (a.Shape.SequenceEqual(other.Shape))
        {
            return null;
        }

        bool sameExceptDim1 = a.Shape.Count == other.Shape.Count && a.Shape.Count >= 2
            && Enumerable.Range(0, a.Shape.Count).All(i => i == 1 || a.Shape[i] == other.Shape[i]);
        if (sameExceptDim1 && other.Shape[1] == 4 && a.Shape[1] is 8 or 9)
        {
            return 4;
        }

        if (sameExceptDim1 && a.Shape[1] == 4 && other.Shape[1] is 8 or 9)
        {
            throw new MergePlanException($"{which} is the inpainting/instruct-pix2pix model ({a.Name} has {other.Shape[1]} input channels); put it as A");
        }

        throw new MergePlanException(string.Create(
            CultureInfo.InvariantCulture,
            $"{a.Name}: shape [{string.Join(", ", a.Shape)}] in A but [{string.Join(", ", other.Shape)}] in {which}; the models are of different architectures"));
    }
}
