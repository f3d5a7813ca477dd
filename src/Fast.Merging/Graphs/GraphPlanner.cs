using System.Globalization;
using Fast.Merging.Architectures;
using Fast.Merging.Blocks;
using Fast.Merging.Methods;
using Fast.Merging.PositionIds;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Merging.Graphs;

/// <summary>
/// Decides every output tensor of a recipe graph before a byte is written. The output follows its primary input's keys,
/// order and dtypes (the base of ties/dare/dare_ties/model_stock, else the first model, followed through merges to an
/// input). A key is merged when every input the output depends on holds it as a floating tensor of the same shape;
/// missing or non-floating elsewhere, it is copied from the primary input; a shape mismatch is an error naming the key
/// and both inputs. CLIP position ids are reset (SPEC §7).
/// </summary>
public static class GraphPlanner
{
    /// <summary>Plans a validated recipe over its opened inputs.</summary>
    /// <param name="recipe">The recipe from <see cref="GraphValidator.Validate"/>.</param>
    /// <param name="order">The evaluation order from <see cref="GraphValidator.Validate"/>.</param>
    /// <param name="files">The opened inputs by name.</param>
    /// <param name="hashes">Per input name, its hashes when they were computed (the A1111 lineage keys need them).</param>
    /// <returns>The plan.</returns>
    /// <exception cref="InvalidGraphException">Shapes differ, or a block list does not fit the layout.</exception>
    public static GraphPlan Plan(GraphRecipe recipe, IReadOnlyList<GraphMerge> order, IReadOnlyDictionary<string, SafeTensorsFile> files, IReadOnlyDictionary<string, Hashing.ModelHashes>? hashes = null)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(files);
        var merges = order.ToDictionary(m => m.Name, StringComparer.Ordinal);
        string primary = PrimaryInput(recipe.Output, merges);
        SafeTensorsFile primaryFile = files[primary];
        List<string> leaves = [.. recipe.Inputs.Select(i => i.Name).Where(name => DependsOn(recipe.Output, name, merges))];
        ArchitectureRecognition arch = ArchitectureRecognizer.Recognize(primaryFile.Tensors.Select(t => new TensorKey(t.Name, t.Shape)));
        BlockLayout layout = arch.BlockLayout;
        var parameters = order.ToDictionary(m => m.Name, m => new GraphParameters(m, layout), StringComparer.Ordinal);

        var tensors = new List<GraphTensor>(primaryFile.Tensors.Count);
        foreach (TensorInfo t in primaryFile.Tensors)
        {
            int blockIndex = layout.IndexOf(t.Name);
            string block = layout.HasBlocks ? layout.Blocks[blockIndex] : BlockIds.Base;
            var none = new Dictionary<string, MethodParameters>();
            if (PositionIdsKeys.IsPositionIds(t.Name) && t.Shape.Count == 2 && t.Shape[0] == 1 && t.Shape[1] is > 0 and <= 1_000_000)
            {
                tensors.Add(new GraphTensor(t.Name, DType.I64, PositionIdsReset.Shape((int)t.Shape[1]), GraphTensorAction.ResetPositionIds, block, none));
                continue;
            }

            bool floating = ElementTypes.TryGet(t.DType, out _);
            DType output = floating ? OutputDTypes.StoredAs(t.DType, recipe.OutputDType) : t.DType;
            var copy = new GraphTensor(t.Name, output, t.Shape, GraphTensorAction.CopyPrimary, block, none);
            if (!floating || KnownKeys.IsModelTypeMarker(t.Name) || order.Count == 0)
            {
                tensors.Add(copy);
                continue;
            }

            bool mergeable = true;
            foreach (string leaf in leaves)
            {
                if (!files[leaf].TryGetTensor(t.Name, out TensorInfo? other) || !ElementTypes.TryGet(other.DType, out _))
                {
                    mergeable = false;
                    continue;
                }

                if (!other.Shape.SequenceEqual(t.Shape))
                {
                    throw new InvalidGraphException(string.Create(
                        CultureInfo.InvariantCulture,
                        $"{t.Name}: shape [{string.Join(", ", t.Shape)}] in input '{primary}' but [{string.Join(", ", other.Shape)}] in input '{leaf}'; the models are of different architectures"));
                }
            }

            if (!mergeable || t.ElementCount > Array.MaxLength)
            {
                tensors.Add(copy);
                continue;
            }

            tensors.Add(copy with
            {
                Action = GraphTensorAction.Merge,
                Parameters = parameters.ToDictionary(p => p.Key, p => p.Value.At(blockIndex), StringComparer.Ordinal),
            });
        }

        List<KeyValuePair<string, string>> metadata =
        [
            new("format", "pt"),
            new("fastmerge.version", typeof(GraphPlanner).Assembly.GetName().Version?.ToString(3) ?? "0"),
            new(GraphRecipeJson.MetadataKey, GraphRecipeJson.Serialize(recipe)),
        ];
        metadata.AddRange(GraphLineageMetadata.For(recipe, leaves, files, arch.Id, hashes));
        return new GraphPlan(recipe, order, primary, arch.Id, tensors, metadata);
    }

    /// <summary>The input whose keys the result of <paramref name="name"/> follows.</summary>
    internal static string PrimaryInput(string name, IReadOnlyDictionary<string, GraphMerge> merges)
    {
        while (merges.TryGetValue(name, out GraphMerge? merge))
        {
            MergeMethodEntry method = MergeMethodCatalog.Find(merge.Method)!;
            name = method.KeysFromBase ? merge.Base! : merge.Models[0];
        }

        return name;
    }

    private static bool DependsOn(string name, string input, IReadOnlyDictionary<string, GraphMerge> merges) =>
        name == input || (merges.TryGetValue(name, out GraphMerge? merge) && GraphValidator.Operands(merge).Any(o => DependsOn(o, input, merges)));
}
