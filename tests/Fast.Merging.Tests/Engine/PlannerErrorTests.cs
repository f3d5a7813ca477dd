using Fast.Merging.Architectures;
using Fast.Merging.Api;
using Fast.Merging.Planning;
using Fast.Merging.Recipes;

namespace Fast.Merging.Tests.Engine;

/// <summary>Every recipe or model error is typed and raised before anything exists at the output path.</summary>
public sealed class PlannerErrorTests(EngineModels models) : IClassFixture<EngineModels>
{
    public static TheoryData<MergeMode, CalcMode, bool> BadCombinations => new()
    {
        { MergeMode.AddDifference, CalcMode.Normal, false }, // missing C
        { MergeMode.TripleSum, CalcMode.Normal, false },
        { MergeMode.SumTwice, CalcMode.Normal, false },
        { MergeMode.ScaledSum, CalcMode.SmoothAdd, false },
        { MergeMode.WeightSum, CalcMode.PlusRandom, false }, // no seed
        { MergeMode.ScaledSum, CalcMode.Self, false },
        { MergeMode.WeightSum, CalcMode.TrainDifference, false },
        { MergeMode.TripleSum, CalcMode.Extract, true },
        { MergeMode.AddDifference, CalcMode.Tensor, true },
        { MergeMode.SumTwice, CalcMode.CosineA, true },
        { MergeMode.ScaledSum, CalcMode.CosineB, false },
    };

    [Theory]
    [MemberData(nameof(BadCombinations))]
    public void Disallowed_combinations_are_recipe_errors(MergeMode mode, CalcMode calc, bool withC)
    {
        var recipe = new MergeRecipe { Mode = mode, CalcMode = calc, A = new(models.A), B = new(models.B), C = withC ? new(models.C) : null };
        AssertFailsCleanly<InvalidRecipeException>(recipe, "combo-" + mode + calc);
    }

    [Fact]
    public void Mixed_families_are_refused_naming_both() =>
        Assert.Contains("A is SD1.x, B is SDXL", AssertFailsCleanly<MixedArchitecturesException>(new MergeRecipe { A = new(models.A), B = new(models.Sdxl) }, "families").Message);

    [Fact]
    public void Inpainting_model_as_b_says_to_put_it_as_a()
    {
        var error = AssertFailsCleanly<MergePlanException>(new MergeRecipe { A = new(models.A), B = new(models.Inpainting) }, "inpaint-b");
        Assert.Contains("put it as A", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inpainting_model_as_a_merges_the_leading_channels()
    {
        string output = models.Output("inpaint-a");
        MergeResult result = FastMerger.Merge(new MergeRecipe { A = new(models.Inpainting), B = new(models.A) }, output, new MergeOptions { Overwrite = true, HashInputs = false });
        Assert.Contains(result.Plan.Tensors, t => t.MergedChannels == 4);
    }

    [Fact]
    public void Block_list_on_unknown_architecture_is_an_error()
    {
        // Both models of one unknown architecture: the SDXL CLIP-G-less keys are not enough to tell, so use a tiny custom file.
        string path = models.Output("unknown");
        using (var writer = SafeTensors.SafeTensorsWriter.Create(path, [new("weight", SafeTensors.DType.F32, [4])], overwrite: true))
        {
            writer.Write("weight", 0, new byte[16]);
            writer.Commit();
        }

        AssertFailsCleanly<MergingException>(new MergeRecipe { A = new(path), B = new(path), WeightsAlpha = "GRAD_V" }, "unknown-blocks");
    }

    [Fact]
    public void Output_equal_to_an_input_is_an_error_unless_overwriting()
    {
        byte[] before = File.ReadAllBytes(models.B);
        Assert.Throws<MergePlanException>(() => FastMerger.Merge(new MergeRecipe { A = new(models.A), B = new(models.B) }, models.B));
        Assert.Equal(before, File.ReadAllBytes(models.B));
    }

    [Fact]
    public void Gpu_device_without_a_backend_is_a_device_error() =>
        Assert.Throws<MergeDeviceException>(() => FastMerger.Merge(
            new MergeRecipe { A = new(models.A), B = new(models.B) }, models.Output("no-gpu"), new MergeOptions { Device = MergeDevice.Gpu, HashInputs = false }));

    [Fact]
    public void Extract_outside_the_unit_interval_is_a_plan_error() =>
        AssertFailsCleanly<MergePlanException>(
            new MergeRecipe { Mode = MergeMode.AddDifference, CalcMode = CalcMode.Extract, Alpha = 1.5, A = new(models.A), B = new(models.B), C = new(models.C) }, "extract-range");

    [Fact]
    public void Cosine_keeps_the_vae_but_measures_everything_else()
    {
        var recipe = new MergeRecipe { CalcMode = CalcMode.CosineB, A = new(models.A), B = new(models.B), Exclude = ["IN05"] };
        MergeResult result = FastMerger.Merge(recipe, models.Output("cosine-plan"), new MergeOptions { Overwrite = true, HashInputs = false });
        Assert.All(result.Plan.Tensors.Where(t => t.Name.StartsWith("first_stage_model.", StringComparison.Ordinal)), t =>
        {
            Assert.Equal(TensorAction.CopyA, t.Action);
            Assert.False(t.InCosineStats);
        });
        Assert.Contains(result.Plan.Tensors, t => t.BlockId == "IN05" && t.Action == TensorAction.CopyA && t.InCosineStats);
    }

    [Theory]
    [InlineData("IN4", null)]
    [InlineData("Adjust", null)]
    [InlineData(null, "no_such_layer")]
    public void Filter_items_that_match_nothing_are_recipe_errors_naming_the_item(string? exclude, string? include)
    {
        var recipe = new MergeRecipe
        {
            A = new(models.A),
            B = new(models.B),
            Exclude = exclude is null ? [] : ["IN05", exclude],
            Include = include is null ? [] : ["attn2", include],
        };
        var error = AssertFailsCleanly<InvalidRecipeException>(recipe, "filter-" + (exclude ?? include));
        Assert.Equal(RecipeErrorKind.UnknownFilterItem, error.Kind);
        Assert.Contains($"--{(exclude is null ? "include" : "exclude")} item '{exclude ?? include}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Filter_items_that_match_a_block_a_range_the_vae_or_a_key_are_accepted()
    {
        var recipe = new MergeRecipe { A = new(models.A), B = new(models.B), Exclude = ["IN05", "OUT00-OUT02", "VAE", "proj_in", "BASE"] };
        MergeResult result = FastMerger.Merge(recipe, models.Output("filter-ok"), new MergeOptions { Overwrite = true, HashInputs = false });
        Assert.Contains(result.Plan.Tensors, t => t.BlockId == "IN05" && t.Action == TensorAction.CopyA);
    }

    [Theory]
    [InlineData(PositionIdsPolicy.Reset, TensorAction.ResetPositionIds)]
    [InlineData(PositionIdsPolicy.Keep, TensorAction.CopyA)]
    [InlineData(PositionIdsPolicy.Merge, TensorAction.MergePositionIds)]
    public void Cosine_measures_the_position_ids_whatever_the_policy(PositionIdsPolicy policy, TensorAction action)
    {
        // The reference's precosine measures every "model" key B also holds, the ids included; the policy only
        // decides what is written afterwards (SPEC §4).
        var recipe = new MergeRecipe { CalcMode = CalcMode.CosineA, PositionIds = policy, A = new(models.A), B = new(models.B) };
        MergeResult result = FastMerger.Merge(recipe, models.Output("cosine-ids-" + policy), new MergeOptions { Overwrite = true, HashInputs = false });
        PlannedTensor ids = Assert.Single(result.Plan.Tensors, t => t.Name.EndsWith("embeddings.position_ids", StringComparison.Ordinal));
        Assert.Equal(action, ids.Action);
        Assert.True(ids.InCosineStats);
    }

    private T AssertFailsCleanly<T>(MergeRecipe recipe, string name)
        where T : Exception
    {
        string output = models.Output("error-" + name);
        T error = Assert.ThrowsAny<T>(() => FastMerger.Merge(recipe, output, new MergeOptions { HashInputs = false }));
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(models.Directory, ".error-*"));
        return error;
    }
}
