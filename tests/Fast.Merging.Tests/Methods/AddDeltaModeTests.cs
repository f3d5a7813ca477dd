using System.Globalization;
using Fast.Merging.Api;
using Fast.Merging.Planning;
using Fast.Merging.Recipes;
using Fast.Merging.Tests.Engine;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Methods;

/// <summary>
/// Mode <c>delta</c>, A + α·B with B a difference model (sd-mecha's two-model <c>add_difference</c>,
/// sd_mecha/extensions/builtin/merge_methods/linear.py): with per-block α every block's own weight, against a scalar
/// f32 oracle (the product and the sum each rounded once, then the output dtype).
/// </summary>
public sealed class AddDeltaModeTests(EngineModels models) : IClassFixture<EngineModels>
{
    [Fact]
    public void Each_block_adds_its_own_share_of_the_delta()
    {
        // 26 SD1 blocks, each its own weight (some above 1 and below 0: a delta may be amplified or reversed).
        string weights = string.Join(",", Enumerable.Range(0, 26).Select(i => (-0.5 + (0.07 * i)).ToString("0.00", CultureInfo.InvariantCulture)));
        var recipe = new MergeRecipe { Mode = MergeMode.AddDelta, WeightsAlpha = weights, A = new MergeInput(models.A), B = new MergeInput(models.B) };
        string output = models.Output("add-delta");
        MergeResult result = FastMerger.Merge(recipe, output, new MergeOptions { Overwrite = true, Threads = 2, HashInputs = false, HashOutput = false });

        // One merged floating key per block: every block's weight is checked on its own keys.
        var perBlock = result.Plan.Tensors
            .Where(t => t.Action == TensorAction.Merge && DTypeInfo.IsFloating(t.OutputDType))
            .GroupBy(t => t.BlockId)
            .Select(g => g.First())
            .ToList();
        Assert.True(perBlock.Select(t => t.Alpha).Distinct().Count() >= 20, "the block weights did not reach the blocks");
        foreach (PlannedTensor t in perBlock)
        {
            double[] a = Oracle.Read(models.A, t.Name), b = Oracle.Read(models.B, t.Name);
            double[] o = Oracle.Read(output, t.Name, out _, out DType dtype);
            float alpha = (float)t.Alpha;
            for (int i = 0; i < o.Length; i++)
            {
                float product = alpha * (float)b[i];
                Assert.Equal(Oracle.Round((float)a[i] + product, dtype), o[i]);
            }
        }
    }

    [Fact]
    public void Is_named_by_the_catalog_and_takes_two_models()
    {
        Assert.Equal(MergeMode.AddDelta, RecipeNames.ParseMode("delta"));
        Assert.Equal(MergeMode.AddDelta, RecipeNames.ParseMode("Add delta"));
        var withC = new MergeRecipe { Mode = MergeMode.AddDelta, A = new MergeInput(models.A), B = new MergeInput(models.B), C = new MergeInput(models.C) };
        var error = Assert.Throws<InvalidRecipeException>(() => FastMerger.Merge(withC, models.Output("add-delta-c"), new MergeOptions { Overwrite = true, HashInputs = false }));
        Assert.Contains("merges two models", error.Message, StringComparison.Ordinal);
    }
}
