using Fast.Merging.Api;
using Fast.Merging.Blocks;
using Fast.Merging.Recipes;

namespace Fast.Merging.Tests.Engine;

/// <summary>Random block weights end to end: drawn before planning, recorded in the metadata, re-run to the same bytes.</summary>
public sealed class RandomWeightsMergeTests(EngineModels models) : IClassFixture<EngineModels>
{
    [Fact]
    public void Drawn_lists_and_seed_are_recorded_and_a_rerun_from_the_metadata_gives_the_same_bytes()
    {
        var recipe = new MergeRecipe { Mode = MergeMode.WeightSum, WeightsAlpha = "R", Seed = 2024, A = new(models.A), B = new(models.B) };
        string first = models.Output("random-first");
        MergeResult result = FastMerger.Merge(recipe, first, new MergeOptions { Overwrite = true, HashInputs = false });

        string drawn = RandomBlockWeights.Draw("R", 2024, beta: false);
        Assert.Equal(drawn, result.Plan.Recipe.WeightsAlpha);
        var metadata = result.Plan.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Contains("\"seed\": 2024", metadata[RandomBlockWeights.MetadataKey], StringComparison.Ordinal);
        Assert.Contains("\"weights_alpha\": \"R\"", metadata[RandomBlockWeights.MetadataKey], StringComparison.Ordinal);
        Assert.Contains(drawn, metadata[RandomBlockWeights.MetadataKey], StringComparison.Ordinal);

        MergeRecipe recorded = RecipeJson.Deserialize(metadata[RecipeJson.MetadataKey]);
        Assert.Equal(2024u, recorded.Seed);
        string second = models.Output("random-second");
        FastMerger.Merge(recorded, second, new MergeOptions { Overwrite = true, HashInputs = false });
        // The metadata differs (only the first records a draw); every tensor byte is the same.
        Assert.Equal(TensorData(first), TensorData(second));
    }

    [Fact]
    public void Elemental_random_entries_merge_as_the_elemental_entries_they_stand_for_and_rerun_from_the_metadata()
    {
        const string List = "0.3,0.1,0.2,ER,0.4,0.5,0.6,0.7,0.8,0.9,1,0.5,0.25,ER,0.35,0.45,0.55,0.65,0.75,EX,0.15,0.05,0.95,0.85,0.5,0.5";
        var options = new MergeOptions { Overwrite = true, HashInputs = false };
        var recipe = new MergeRecipe { WeightsAlpha = List, Elemental = "OUT05:attn:0.2", Seed = 7, A = new(models.A), B = new(models.B) };
        string withE = models.Output("elemental-e-entries");
        MergeResult result = FastMerger.Merge(recipe, withE, options);
        Assert.Equal("OUT05:attn:0.2,IN02 M00::R,OUT05::X", result.Plan.Recipe.Elemental);
        Assert.Contains(result.Plan.Tensors, t => t.BlockId == "IN02" && t.Alpha != 0);

        // The same merge written out by hand: zeros in the list, the entries after the user's.
        string byHand = models.Output("elemental-e-by-hand");
        FastMerger.Merge(
            recipe with { WeightsAlpha = List.Replace("ER", "0", StringComparison.Ordinal).Replace("EX", "0", StringComparison.Ordinal), Elemental = "OUT05:attn:0.2,IN02 M00::R,OUT05::X" },
            byHand, options);
        Assert.Equal(TensorData(byHand), TensorData(withE));

        MergeRecipe recorded = RecipeJson.Deserialize(result.Plan.Metadata.Single(kv => kv.Key == RecipeJson.MetadataKey).Value);
        string rerun = models.Output("elemental-e-rerun");
        FastMerger.Merge(recorded, rerun, options);
        Assert.Equal(TensorData(withE), TensorData(rerun));
    }

    /// <summary>The bytes after the safetensors header: the tensors, laid out by their (equal) keys, dtypes and shapes.</summary>
    private static byte[] TensorData(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        long headerLength = BitConverter.ToInt64(file, 0);
        return file[(int)(8 + headerLength)..];
    }

    [Fact]
    public void Random_entries_without_a_seed_are_a_recipe_error_and_nothing_is_written()
    {
        string output = models.Output("random-no-seed");
        var error = Assert.Throws<InvalidRecipeException>(() => FastMerger.Merge(
            new MergeRecipe { WeightsAlpha = "R", A = new(models.A), B = new(models.B) }, output, new MergeOptions { HashInputs = false }));
        Assert.Contains("--seed", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Elemental_adjust_old_calc_and_the_new_calcmodes_survive_the_recipe_json()
    {
        var recipe = new MergeRecipe
        {
            CalcMode = CalcMode.PlusRandom, Seed = 7, Elemental = "IN04 OUT05:attn:0.2\nNOT OUT04::R", Adjust = "1,1,1,0,0,0,0,0",
            OldCalc = true, A = new("a"), B = new("b"),
        };
        string json = RecipeJson.Serialize(recipe);
        Assert.Contains("\"calcmode\":\"plus random\"", json, StringComparison.Ordinal);
        Assert.Contains("\"old_calc\":true", json, StringComparison.Ordinal);
        Assert.Equal(recipe, RecipeJson.Deserialize(json));
        string plain = RecipeJson.Serialize(new MergeRecipe { A = new("a"), B = new("b") });
        Assert.DoesNotContain("old_calc", plain, StringComparison.Ordinal);
        Assert.DoesNotContain("elemental", plain, StringComparison.Ordinal);
    }

    [Fact]
    public void Seed_and_random_settings_survive_the_recipe_json()
    {
        var recipe = new MergeRecipe { WeightsAlpha = "X", Seed = 9, RandomDigits = 5, RandomUpper = "0.9", RandomLower = "0.1", A = new("a"), B = new("b") };
        Assert.Equal(recipe, RecipeJson.Deserialize(RecipeJson.Serialize(recipe)));
        Assert.DoesNotContain("random_digits", RecipeJson.Serialize(recipe with { RandomDigits = RandomBlockWeights.DefaultDigits }), StringComparison.Ordinal);
    }
}
