using System.Text;
using Fast.Merging.Blocks;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Merging.Planning;

/// <summary>
/// A recipe's elemental entries (<see cref="ElementalWeights"/>) bound to model A: its block layout, each key's index
/// among A's keys in sorted order (what supermerger's <c>num</c> counts, as its state dict comes from safetensors'
/// sorted <c>load_file</c>) and, for R/U/X ratios, the seed's numpy draws.
/// </summary>
internal sealed class ElementalResolution
{
    private readonly ElementalWeights _weights;
    private readonly Dictionary<string, int>? _sortedIndex;
    private readonly double[]? _draws;
    private readonly MergeRecipe _recipe;
    private readonly double[] _upper;
    private readonly double[] _lower;

    private ElementalResolution(ElementalWeights weights, Dictionary<string, int>? sortedIndex, double[]? draws, MergeRecipe recipe)
    {
        _weights = weights;
        _sortedIndex = sortedIndex;
        _draws = draws;
        _recipe = recipe;
        _upper = RandomBlockWeights.Limits(recipe.RandomUpper, 1, "upper");
        _lower = RandomBlockWeights.Limits(recipe.RandomLower, 0, "lower");
    }

    /// <summary>Null when the recipe has no elemental entries.</summary>
    /// <exception cref="InvalidRecipeException">Entries that do not parse, on a model without blocks, or random ratios without a seed.</exception>
    public static ElementalResolution? Create(MergeRecipe recipe, SafeTensorsFile a, BlockLayout layout)
    {
        if (recipe.Elemental is null)
        {
            return null;
        }

        try
        {
            if (!layout.HasBlocks)
            {
                throw new InvalidBlockWeightsException("--elemental names blocks, but model A's architecture has no known blocks.");
            }

            ElementalWeights weights = ElementalWeights.Parse(recipe.Elemental, layout);
            if (!weights.DrawsRandom)
            {
                return new ElementalResolution(weights, null, null, recipe);
            }

            if (recipe.Seed is not uint seed)
            {
                throw new InvalidBlockWeightsException("--elemental ratios R, U or X draw random weights: give the seed with --seed N (0 to 4294967295).");
            }

            var sorted = a.Tensors.Select(t => t.Name).OrderBy(n => Encoding.UTF8.GetBytes(n), Utf8Order.Instance).ToList();
            var index = new Dictionary<string, int>(sorted.Count, StringComparer.Ordinal);
            for (int i = 0; i < sorted.Count; i++)
            {
                index[sorted[i]] = i;
            }

            return new ElementalResolution(weights, index, new NumpyLegacyRandom(seed).NextDoubles(RandomBlockWeights.Draws), recipe);
        }
        catch (InvalidBlockWeightsException ex)
        {
            throw new InvalidRecipeException([new RecipeError(RecipeErrorKind.InvalidBlockWeights, ex.Message)]);
        }
    }

    /// <summary>α of <paramref name="key"/> after the elemental entries, from its block-weight α.</summary>
    public double Alpha(string key, string blockId, int blockIndex, double alpha)
    {
        try
        {
            return _weights.AlphaFor(key, blockId, blockIndex, _sortedIndex?[key] ?? 0, alpha, _draws, _recipe.RandomDigits, _upper, _lower);
        }
        catch (InvalidBlockWeightsException ex)
        {
            throw new InvalidRecipeException([new RecipeError(RecipeErrorKind.InvalidBlockWeights, ex.Message)]);
        }
    }

    private sealed class Utf8Order : IComparer<byte[]>
    {
        public static readonly Utf8Order Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
