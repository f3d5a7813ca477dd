using Fast.Merging.Blocks;
using Fast.Merging.Recipes;

namespace Fast.Merging.Tests.Recipes;

public class A1111MergeMetadataTests
{
    private static readonly string s_shaA = new('a', 64);
    private static readonly string s_shaB = new('b', 64);

    [Fact]
    public void Recipe_without_blocks_matches_the_reference_layout()
    {
        var recipe = new MergeRecipe { Alpha = 0.35, A = new MergeInput("a", s_shaA), B = new MergeInput("b", s_shaB) };
        var value = A1111MergeMetadata.RecipeValue(recipe, null, null);
        Assert.Equal(
            "{\"type\": \"fastmerge\", \"weights_alpha\": null, \"weights_beta\": null, \"weights_alpha_orig\": null, \"weights_beta_orig\": null, " +
            $"\"model_a\": \"{s_shaA}\", \"model_b\": \"{s_shaB}\", \"model_c\": null, \"base_alpha\": 0.35, \"base_beta\": 0.0, " +
            "\"mode\": \"Weight sum\", \"mbw\": false, \"elemental_merge\": \"\", \"calcmode\": \"normal\", \"Off\": []}",
            value);
    }

    [Fact]
    public void Recipe_with_blocks_lists_values_without_base()
    {
        var recipe = new MergeRecipe
        {
            Mode = MergeMode.AddDifference,
            CalcMode = CalcMode.TrainDifference,
            Alpha = 0.4,
            WeightsAlpha = "WRAP08",
            Exclude = ["VAE"],
            A = new MergeInput("a", s_shaA),
            B = new MergeInput("b", s_shaB),
            C = new MergeInput("c", s_shaA),
        };
        var alpha = BlockWeights.Parse(recipe.WeightsAlpha!, BlockLayouts.Sd, recipe.Alpha);
        var value = A1111MergeMetadata.RecipeValue(recipe, alpha, null);
        Assert.Contains("\"weights_alpha\": [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0], ", value);
        Assert.Contains("\"weights_alpha_orig\": \"WRAP08\", \"weights_beta_orig\": null", value);
        Assert.Contains("\"base_alpha\": 0.0, ", value); // the preset's own BASE, as supermerger records it
        Assert.Contains("\"mode\": \"Add difference\", \"mbw\": true, ", value);
        Assert.Contains("\"calcmode\": \"trainDifference\", \"Exclude\": [\"VAE\"]}", value);
    }

    [Fact]
    public void Models_value_maps_sha256_to_name_legacy_hash_and_recipe_once()
    {
        var value = A1111MergeMetadata.ModelsValue(
        [
            new MergeModelInfo("a.safetensors", s_shaA, "0123abcd"),
            new MergeModelInfo("b.safetensors", s_shaB, "89abcdef"),
            new MergeModelInfo("a.safetensors", s_shaA, "0123abcd"),
        ]);
        Assert.Equal(
            $"{{\"{s_shaA}\": {{\"name\": \"a.safetensors\", \"legacy_hash\": \"0123abcd\", \"sd_merge_recipe\": null}}, \"{s_shaB}\": {{\"name\": \"b.safetensors\", \"legacy_hash\": \"89abcdef\", \"sd_merge_recipe\": null}}}}",
            value);
    }
}
