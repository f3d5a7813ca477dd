using Fast.Merging.Api;
using Fast.Merging.Bulk;
using Fast.Merging.Recipes;

namespace Fast.Merging.Tests.Engine;

/// <summary>Issue 17: re-running a recorded recipe on a file whose sha256 is not the recorded one warns, and still merges.</summary>
public sealed class RecordedInputCheckTests(EngineModels models) : IClassFixture<EngineModels>
{
    [Fact]
    public void A_rerun_from_the_metadata_on_the_same_files_gives_the_same_bytes_and_no_warning()
    {
        var recipe = new MergeRecipe { Alpha = 0.3, A = new(models.A), B = new(models.B) };
        string first = models.Output("recorded-first");
        MergeResult result = FastMerger.Merge(recipe, first, new MergeOptions { Overwrite = true });
        Assert.Empty(result.Warnings);

        MergeRecipe recorded = RecipeJson.Deserialize(result.Plan.Metadata.Single(kv => kv.Key == RecipeJson.MetadataKey).Value);
        Assert.NotNull(recorded.B!.Sha256);
        string second = models.Output("recorded-second");
        MergeResult again = FastMerger.Merge(recorded, second, new MergeOptions { Overwrite = true });
        Assert.Empty(again.Warnings);
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
    }

    [Fact]
    public void A_rerun_with_another_file_in_place_of_a_recorded_input_warns_naming_it_and_both_hashes()
    {
        var recipe = new MergeRecipe { Alpha = 0.3, A = new(models.A), B = new(models.B) };
        MergeResult result = FastMerger.Merge(recipe, models.Output("recorded-original"), new MergeOptions { Overwrite = true });
        MergeRecipe recorded = RecipeJson.Deserialize(result.Plan.Metadata.Single(kv => kv.Key == RecipeJson.MetadataKey).Value);
        string recordedB = recorded.B!.Sha256!;

        // The recipe names B, but the file at that path is now C's bytes (a re-saved or replaced model).
        MergeRecipe replaced = recorded with { B = recorded.B with { Path = models.C } };
        string output = models.Output("recorded-replaced");
        MergeResult rerun = FastMerger.Merge(replaced, output, new MergeOptions { Overwrite = true });

        string warning = Assert.Single(rerun.Warnings);
        string actualB = rerun.InputHashes[1].Sha256;
        Assert.NotEqual(recordedB, actualB);
        Assert.Equal(
            $"B ({models.C}) is not the file the recipe was made from: its sha256 is {actualB}, the recipe records {recordedB}; the output is not the recorded merge",
            warning);
        Assert.True(File.Exists(output)); // a warning, not an error: the merge ran
    }

    [Fact]
    public void A_bulk_variant_whose_recorded_input_changed_warns_in_its_result_and_the_summary_json()
    {
        var recipe = new MergeRecipe { Alpha = 0.3, A = new(models.A), B = new(models.B) };
        MergeResult result = FastMerger.Merge(recipe, models.Output("recorded-bulk-original"), new MergeOptions { Overwrite = true });
        MergeRecipe recorded = RecipeJson.Deserialize(result.Plan.Metadata.Single(kv => kv.Key == RecipeJson.MetadataKey).Value);
        MergeRecipe replaced = recorded with { B = recorded.B! with { Path = models.C } };
        string Line(MergeRecipe r, string name) => RecipeJson.Serialize(r)[..^1] + $",\"out\":{System.Text.Json.JsonSerializer.Serialize(models.Output(name))}}}";
        BulkPlan plan = BulkPlanParser.Parse(Line(recorded, "recorded-bulk-same") + "\n" + Line(replaced, "recorded-bulk-replaced") + "\n", "plan");

        BulkResult bulk = FastBulkMerger.Run(plan, new BulkOptions { Overwrite = true });

        Assert.All(bulk.Variants, v => Assert.Equal(BulkVariantStatus.Done, v.Status));
        Assert.Empty(bulk.Variants[0].Warnings);
        string warning = Assert.Single(bulk.Variants[1].Warnings);
        Assert.StartsWith($"B ({models.C}) is not the file the recipe was made from: its sha256 is ", warning, StringComparison.Ordinal);
        string json = BulkResultJson.Serialize(bulk, BulkSinkKind.Files);
        Assert.Contains("\"warnings\":[\"B (", json, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(json, "\"warnings\""));
    }

    [Fact]
    public void Without_input_hashing_nothing_is_checked()
    {
        var recipe = new MergeRecipe { Alpha = 0.3, A = new(models.A), B = new(models.B, new string('0', 64)) };
        MergeResult result = FastMerger.Merge(recipe, models.Output("recorded-unhashed"), new MergeOptions { Overwrite = true, HashInputs = false });
        Assert.Empty(result.Warnings);
    }
}
