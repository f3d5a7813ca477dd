using System.Globalization;
using Fast.Merging.Architectures;
using Fast.Merging.Blocks;
using Fast.Merging.Methods;
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
    /// <param name="recipe">The recipe; inputs' <see cref="MergeInput.Sha256"/> are recorded in the metadata when set.</param>
    /// <param name="a">Model A.</param>
    /// <param name="b">Model B.</param>
    /// <param name="c">Model C, for ad/ts/st.</param>
    /// <param name="models">The inputs as A1111 identifies them (A, B, C); when given, <c>sd_merge_recipe</c> and <c>sd_merge_models</c> are written.</param>
    /// <exception cref="InvalidRecipeException">The recipe breaks a rule of SPEC §3–5.</exception>
    /// <exception cref="MergePlanException">The models cannot be merged with this recipe.</exception>
    public static MergePlan Plan(MergeRecipe recipe, SafeTensorsFile a, SafeTensorsFile b, SafeTensorsFile? c, IReadOnlyList<MergeModelInfo>? models = null)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);

        // Random block weights (R, U, X) are drawn first: the drawn lists are what is validated, planned and recorded.
        recipe = RandomWeightsResolution.Resolve(recipe, out string? randomRecord);
        ArchitectureRecognition arch = ArchitectureRecognizer.Recognize(a.Tensors.Select(t => new TensorKey(t.Name, t.Shape)));
        EnsureOneFamily(arch, b, "B", c is not null && recipe.UsesModelC ? c : null);
        RecipeValidator.EnsureValid(recipe, arch.BlockLayout);
        if (recipe.UsesModelC && c is null)
        {
            throw new MergePlanException($"mode {RecipeNames.ShortName(recipe.Mode)} needs a third model: give it with -c");
        }

        CalcModeEntry calcEntry = CalcModeCatalog.Get(recipe.CalcMode);
        if (calcEntry.UsesGamma && !(recipe.Gamma >= 0))
        {
            throw new MergePlanException(string.Create(CultureInfo.InvariantCulture, $"calcmode {calcEntry.Name} needs gamma >= 0 (got {recipe.Gamma})"));
        }

        bool scaled = MergeModeCatalog.Get(recipe.Mode).ScaledSumFactors;
        BlockWeights? alphas = Weights(scaled ? recipe.ScaledSumWeightsA : recipe.WeightsAlpha, arch.BlockLayout, recipe.Alpha);
        BlockWeights? betas = Weights(scaled ? recipe.ScaledSumWeightsB : recipe.WeightsBeta, arch.BlockLayout, recipe.Beta);
        ElementalResolution? elemental = ElementalResolution.Create(recipe, a, arch.BlockLayout);
        var filter = new BlockFilter(recipe.Exclude, recipe.Include, arch.BlockLayout);
        EnsureEveryFilterItemMatches(filter, a, arch.BlockLayout);
        bool cosine = calcEntry.UsesCosineStatistics;
        SafeTensorsFile? modelC = recipe.UsesModelC ? c : null;

        var planned = new List<PlannedTensor>(a.Tensors.Count);
        var blockIndices = new List<int>(a.Tensors.Count);
        foreach (TensorInfo ta in a.Tensors)
        {
            int blockIndex = arch.BlockLayout.IndexOf(ta.Name);
            blockIndices.Add(blockIndex);
            string block = arch.BlockLayout.HasBlocks ? arch.BlockLayout.Blocks[blockIndex] : BlockIds.Base;
            double alpha = alphas?.ForBlock(blockIndex) ?? recipe.Alpha;
            double beta = betas?.ForBlock(blockIndex) ?? recipe.Beta;
            alpha = elemental?.Alpha(ta.Name, block, blockIndex, alpha) ?? alpha; // after the block weights, as elementals()
            if (PositionIdsKeys.IsPositionIds(ta.Name))
            {
                planned.Add(PlanPositionIds(recipe, ta, b, modelC, block, alpha, beta, cosine));
                continue;
            }

            if (KnownKeys.IsModelTypeMarker(ta.Name))
            {
                // What kind of model the output is comes from A, unmerged and in its own dtype (a sigma is not averaged).
                planned.Add(new PlannedTensor(ta.Name, ta.DType, ta.Shape, TensorAction.CopyA, block, 0, 0));
                continue;
            }

            DType output = OutputDTypes.StoredAs(ta.DType, recipe.OutputDType);
            var copy = new PlannedTensor(ta.Name, output, ta.Shape, TensorAction.CopyA, block, 0, 0);
            TensorInfo? tc = null;
            bool present = b.TryGetTensor(ta.Name, out TensorInfo? tb) && (modelC is null || modelC.TryGetTensor(ta.Name, out tc));
            if (!present || !ElementTypes.TryGet(ta.DType, out _) || !ElementTypes.TryGet(tb!.DType, out _) || (tc is not null && !ElementTypes.TryGet(tc.DType, out _)))
            {
                planned.Add(copy);
                continue;
            }

            bool excluded = filter.IsExcluded(ta.Name, block);
            long? channels;
            try
            {
                channels = MergedChannels(ta, tb, tc);
            }
            catch (MergePlanException) when (excluded)
            {
                planned.Add(copy); // an excluded key keeps A whatever its shapes
                continue;
            }

            bool vae = CheckpointPrefixes.IsVae(ta.Name);
            if (excluded || (cosine && vae))
            {
                planned.Add(copy with { InCosineStats = cosine && !vae });
                continue;
            }

            if (calcEntry.WeightsAreFractions && !(alpha is >= 0 and <= 1 && beta is >= 0 and <= 1))
            {
                throw new MergePlanException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"calcmode {calcEntry.Name} needs 0 <= alpha, beta <= 1 ({ta.Name}: alpha {alpha}, beta {beta})"));
            }

            if (recipe.OldCalc && recipe.Mode is MergeMode.WeightSum or MergeMode.SumTwice or MergeMode.TripleSum
                && new[] { ta, tb, tc }.Any(t => t is not null && t.DType is not (DType.F16 or DType.BF16 or DType.F32)))
            {
                throw new MergePlanException($"--old-calc computes in the inputs' own dtypes as torch does, for F16, BF16 or F32 tensors; {ta.Name} is not");
            }

            if (calcEntry.ChangesAOnly)
            {
                // supermerger's self / plus random: SELFKEYS and α = 0 keep A (nothing is drawn for them); the rest
                // changes the whole of A's tensor in A's dtype.
                if (alpha == 0 || CalcModeEntry.SelfKeys.Any(k => ta.Name.Contains(k, StringComparison.Ordinal)))
                {
                    planned.Add(copy);
                    continue;
                }

                if (ElementTypes.Of(ta.DType) is not (Fast.Kernels.ElementType.F16 or Fast.Kernels.ElementType.BF16 or Fast.Kernels.ElementType.F32))
                {
                    throw new MergePlanException($"calcmode {calcEntry.Name} computes in A's dtype as torch does, for F16, BF16 or F32 tensors; {ta.Name} is {DTypeInfo.ToJsonName(ta.DType)}");
                }

                channels = null;
            }

            planned.Add(new PlannedTensor(ta.Name, output, ta.Shape, TensorAction.Merge, block, alpha, beta, channels, cosine));
        }

        if (cosine && !planned.Any(t => t.InCosineStats))
        {
            throw new MergePlanException($"calcmode {RecipeNames.Name(recipe.CalcMode)} found no mergeable non-VAE keys to measure; use calcmode normal");
        }

        // One planned tensor per key of A, in A's order: each gets the block index it was weighted by, resolved once above.
        for (int i = 0; i < planned.Count; i++)
        {
            planned[i] = planned[i] with { BlockIndex = blockIndices[i] };
        }

        AdjustPlanning.Apply(recipe, arch, a, planned);

        List<KeyValuePair<string, string>> metadata = Metadata(recipe, alphas, betas, models);
        if (randomRecord is not null)
        {
            metadata.Add(new(RandomBlockWeights.MetadataKey, randomRecord));
        }

        // The lineage (inputs' recipes and ancestors), the model spec keys and the user's entries.
        LineageMetadata.AddTo(metadata, recipe, arch.Id, a, b, modelC, models);

        return new MergePlan(recipe, arch.Id, planned, metadata);
    }

    /// <summary>"A is SD1.x, B is SDXL base" before any tensor is compared, rather than the first key that does not fit.</summary>
    private static void EnsureOneFamily(ArchitectureRecognition a, SafeTensorsFile b, string nameB, SafeTensorsFile? c)
    {
        MixedArchitecturesException.ThrowIfMixed("A", a, nameB, ArchitectureRecognizer.Recognize(b.Tensors.Select(t => new TensorKey(t.Name, t.Shape))), "models of different architectures cannot be merged");
        if (c is not null)
        {
            MixedArchitecturesException.ThrowIfMixed("A", a, "C", ArchitectureRecognizer.Recognize(c.Tensors.Select(t => new TensorKey(t.Name, t.Shape))), "models of different architectures cannot be merged");
        }
    }

    /// <summary>An include/exclude item that matches no key and no block of A is a typo (SPEC §5): refuse it by name.</summary>
    private static void EnsureEveryFilterItemMatches(BlockFilter filter, SafeTensorsFile a, BlockLayout layout)
    {
        var keys = a.Tensors.Select(t => (t.Name, layout.HasBlocks ? layout.Blocks[layout.IndexOf(t.Name)] : BlockIds.Base)).ToList();
        RecipeError[] errors =
        [
            .. filter.ItemsMatchingNone(keys).Select(unmatched => new RecipeError(
                RecipeErrorKind.UnknownFilterItem,
                $"--{unmatched.List} item '{unmatched.Item}' matches no key and no block of model A (items are block ids such as BASE, IN04, M00, OUT11, a range IN00-IN05, VAE, or a substring of a key)")),
        ];
        if (errors.Length > 0)
        {
            throw new InvalidRecipeException(errors);
        }
    }

    private static PlannedTensor PlanPositionIds(MergeRecipe recipe, TensorInfo ta, SafeTensorsFile b, SafeTensorsFile? c, string block, double alpha, double beta, bool cosine)
    {
        // The reference's precosine measures the ids like any key B also holds and applies the policy only after
        // merging, so they feed the similarity set whatever the policy (SPEC §4).
        bool measured = cosine && b.TryGetTensor(ta.Name, out TensorInfo? idsB) && idsB.Shape.SequenceEqual(ta.Shape)
            && PositionIdsDTypes.CanRead(ta.DType) && PositionIdsDTypes.CanRead(idsB.DType);
        switch (recipe.PositionIds)
        {
            case PositionIdsPolicy.Reset:
                return new PlannedTensor(ta.Name, DType.I64, PositionIdsReset.Shape(PositionIdsLength(ta)), TensorAction.ResetPositionIds, block, 0, 0, InCosineStats: measured);
            case PositionIdsPolicy.Keep:
                return new PlannedTensor(ta.Name, ta.DType, ta.Shape, TensorAction.CopyA, block, 0, 0, InCosineStats: measured);
        }

        TensorInfo? tc = null;
        if (!b.TryGetTensor(ta.Name, out TensorInfo? tb) || (c is not null && !c.TryGetTensor(ta.Name, out tc)))
        {
            return new PlannedTensor(ta.Name, ta.DType, ta.Shape, TensorAction.CopyA, block, 0, 0);
        }

        foreach ((string which, TensorInfo? t) in new (string, TensorInfo?)[] { ("A", ta), ("B", tb), ("C", tc) })
        {
            if (t is null)
            {
                continue;
            }

            if (!t.Shape.SequenceEqual(ta.Shape))
            {
                throw new MergePlanException($"{ta.Name}: position ids are [{string.Join(", ", ta.Shape)}] in A but [{string.Join(", ", t.Shape)}] in {which}; use --position-ids reset");
            }

            if (!PositionIdsDTypes.CanRead(t.DType))
            {
                throw new MergePlanException($"{ta.Name}: position ids stored as {DTypeInfo.ToJsonName(t.DType)} in {which} cannot be merged; use --position-ids reset");
            }
        }

        DType output = ElementTypes.TryGet(ta.DType, out _) ? OutputDTypes.StoredAs(ta.DType, recipe.OutputDType) : ta.DType;
        return new PlannedTensor(ta.Name, output, ta.Shape, TensorAction.MergePositionIds, block, alpha, beta, null, measured);
    }

    private static List<KeyValuePair<string, string>> Metadata(MergeRecipe recipe, BlockWeights? alphas, BlockWeights? betas, IReadOnlyList<MergeModelInfo>? models)
    {
        var metadata = new List<KeyValuePair<string, string>>
        {
            new("format", "pt"),
            new("fastmerge.version", typeof(MergePlanner).Assembly.GetName().Version?.ToString(3) ?? "0"),
            new(RecipeJson.MetadataKey, RecipeJson.Serialize(recipe)),
        };
        if (models is not null)
        {
            metadata.Add(new(A1111MergeMetadata.RecipeKey, A1111MergeMetadata.RecipeValue(recipe, alphas, betas)));
            metadata.Add(new(A1111MergeMetadata.ModelsKey, A1111MergeMetadata.ModelsValue(models)));
        }

        return metadata;
    }

    private static BlockWeights? Weights(string? text, BlockLayout layout, double baseValue) =>
        text is null ? null : BlockWeights.Parse(text, layout, baseValue);

    private static int PositionIdsLength(TensorInfo t) =>
        t.Shape.Count == 2 && t.Shape[0] == 1 && t.Shape[1] is > 0 and <= 1_000_000
            ? (int)t.Shape[1]
            : throw new MergePlanException($"{t.Name}: position ids must have shape [1, n], found [{string.Join(", ", t.Shape)}]");

    /// <summary>Null when every input has A's shape; the leading channel count when A is the wider inpainting/pix2pix model.</summary>
    private static long? MergedChannels(TensorInfo a, TensorInfo b, TensorInfo? c)
    {
        bool sliceB = Sliced(a, b, "B");
        bool sliceC = c is not null && Sliced(a, c, "C");
        return sliceB || sliceC ? 4 : null;
    }

    /// <summary>False for equal shapes, true when A has 8/9 dim-1 channels where <paramref name="other"/> has 4; otherwise an error.</summary>
    private static bool Sliced(TensorInfo a, TensorInfo other, string which)
    {
        if (a.Shape.SequenceEqual(other.Shape))
        {
            return false;
        }

        bool sameExceptDim1 = a.Shape.Count == other.Shape.Count && a.Shape.Count >= 2
            && Enumerable.Range(0, a.Shape.Count).All(i => i == 1 || a.Shape[i] == other.Shape[i]);
        if (sameExceptDim1 && other.Shape[1] == 4 && a.Shape[1] is 8 or 9)
        {
            return true;
        }

        if (sameExceptDim1 && a.Shape[1] == 4 && other.Shape[1] is 8 or 9)
        {
            string kind = other.Shape[1] == 9 ? "inpainting" : "instruct-pix2pix";
            throw new MergePlanException($"{which} is the {kind} model ({a.Name} has {other.Shape[1]} input channels); put it as A");
        }

        throw new MergePlanException(string.Create(
            CultureInfo.InvariantCulture,
            $"{a.Name}: shape [{string.Join(", ", a.Shape)}] in A but [{string.Join(", ", other.Shape)}] in {which}; the models are of different architectures"));
    }
}
