using Fast.Merging.Blocks;
using Fast.Merging.Recipes;

namespace Fast.Merging.Tests.Recipes;

public class RecipeTests
{
    private static readonly string s_shaA = new('a', 64);
    private static readonly string s_shaB = new('b', 64);
    private static readonly string s_shaC = new('c', 64);

    private static MergeRecipe TwoModel(MergeMode mode = MergeMode.WeightSum, CalcMode calc = CalcMode.Normal) => new()
    {
        Mode = mode,
        CalcMode = calc,
        A = new MergeInput("a.safetensors", s_shaA),
        B = new MergeInput("b.safetensors", s_shaB),
    };

    private static MergeRecipe ThreeModel(MergeMode mode = MergeMode.AddDifference, CalcMode calc = CalcMode.Normal) =>
        TwoModel(mode, calc) with { C = new MergeInput("c.safetensors", s_shaC) };

    private static RecipeErrorKind[] Kinds(MergeRecipe r) => Kinds(r, BlockLayouts.Sd);

    private static RecipeErrorKind[] Kinds(MergeRecipe r, BlockLayout? layout) =>
        RecipeValidator.Validate(r, layout).Select(e => e.Kind).ToArray();

    [Fact]
    public void Json_round_trips_every_member()
    {
        var recipe = ThreeModel(MergeMode.TripleSum) with
        {
            Alpha = 0.3,
            Beta = 0.25,
            Gamma = 0.1,
            WeightsAlpha = "GRAD_V",
            WeightsBeta = "0," + string.Join(",", Enumerable.Repeat("0.5", 25)),
            PositionIds = PositionIdsPolicy.Merge,
            OutputDType = OutputDType.Fp8E4M3,
            Exclude = ["VAE", "IN00-IN03"],
            Include = ["attn"],
        };
        var json = RecipeJson.Serialize(recipe);
        var back = RecipeJson.Deserialize(json);
        Assert.Equal(recipe, back);
        Assert.Equal(json, RecipeJson.Serialize(back));
        Assert.Contains("\"mode\":\"ts\"", json);
        Assert.Contains("\"dtype\":\"fp8_e4m3\"", json);
        Assert.Contains("\"position_ids\":\"merge\"", json);
    }

    [Fact]
    public void Json_form_is_stable()
    {
        var json = RecipeJson.Serialize(TwoModel(MergeMode.AddDifference, CalcMode.TrainDifference) with { Alpha = 1, C = new MergeInput("c") });
        Assert.Equal(
            "{\"mode\":\"ad\",\"calcmode\":\"trainDifference\",\"alpha\":1,\"beta\":0,\"gamma\":0.3,\"position_ids\":\"reset\",\"dtype\":\"keep\"," +
            "\"exclude\":[],\"include\":[],\"a\":{\"path\":\"a.safetensors\",\"sha256\":\"" + s_shaA + "\"},\"b\":{\"path\":\"b.safetensors\",\"sha256\":\"" + s_shaB + "\"}," +
            "\"c\":{\"path\":\"c\"}}",
            json);
    }

    [Theory]
    [InlineData("{\"mode\":\"xx\"}")]
    [InlineData("{\"mode\":\"ws\",\"typo\":1}")]
    [InlineData("[1]")]
    [InlineData("null")]
    [InlineData("{")]
    public void Bad_json_is_a_typed_error(string json) =>
        Assert.Equal(RecipeErrorKind.MalformedJson, Assert.Throws<InvalidRecipeException>(() => RecipeJson.Deserialize(json)).Kind);

    [Theory]
    [InlineData("{\"alhpa\":0.3}", "unknown parameter 'alhpa' (did you mean 'alpha'?)")]
    [InlineData("{\"weights_alhpa\":\"GRAD_V\"}", "unknown parameter 'weights_alhpa' (did you mean 'weights_alpha'?)")]
    [InlineData("{\"old_calcc\":true}", "unknown parameter 'old_calcc' (did you mean 'old_calc'?)")]
    [InlineData("{\"a\":{\"pth\":\"x\"}}", "unknown parameter 'a.pth' (did you mean 'a.path'?)")]
    [InlineData("{\"frobnicate\":1}", "unknown parameter 'frobnicate'")]
    public void An_unknown_member_is_named_with_the_closest_known_one(string json, string message) =>
        Assert.Equal(message, Assert.Throws<InvalidRecipeException>(() => RecipeJson.Deserialize(json)).Message);

    [Fact]
    public void The_member_list_is_the_recipe_json_s_own() =>
        Assert.Equal(["a", "adjust", "alpha", "b", "beta", "c", "calcmode", "dtype", "elemental", "exclude", "gamma", "include", "mode", "old_calc",
            "position_ids", "random_digits", "random_lower", "random_upper", "scaled_sum_weights_a", "scaled_sum_weights_b", "seed", "weights_alpha", "weights_beta"],
            RecipeMembers.Names.Order(StringComparer.Ordinal));

    [Theory]
    [InlineData("ws", MergeMode.WeightSum)]
    [InlineData("Weight sum", MergeMode.WeightSum)]
    [InlineData("Add difference", MergeMode.AddDifference)]
    [InlineData("Triple sum", MergeMode.TripleSum)]
    [InlineData("sum Twice", MergeMode.SumTwice)]
    [InlineData("SS", MergeMode.ScaledSum)]
    public void Mode_names_parse(string text, MergeMode mode) => Assert.Equal(mode, RecipeNames.ParseMode(text));

    [Fact]
    public void Other_names_parse_and_unknown_names_are_typed()
    {
        Assert.Equal(CalcMode.SmoothAdd, RecipeNames.ParseCalcMode("smoothAdd MT"));
        Assert.Equal(CalcMode.TrainDifference, RecipeNames.ParseCalcMode("trainDifference"));
        Assert.Equal(CalcMode.Tensor2, RecipeNames.ParseCalcMode("tensor2"));
        Assert.Equal(PositionIdsPolicy.Keep, RecipeNames.ParsePositionIds("keep"));
        Assert.Equal(OutputDType.Fp8E5M2, RecipeNames.ParseOutputDType("fp8_e5m2"));
        Assert.Equal(OutputDType.Bf16, RecipeNames.ParseOutputDType("BF16"));
        Assert.Equal(RecipeErrorKind.UnknownName, Assert.Throws<InvalidRecipeException>(() => RecipeNames.ParseMode("lerp")).Kind);
        Assert.Throws<InvalidRecipeException>(() => RecipeNames.ParseCalcMode("selfish"));
        Assert.Throws<InvalidRecipeException>(() => RecipeNames.ParseOutputDType("int8"));
        foreach (var mode in Enum.GetValues<MergeMode>())
        {
            Assert.Equal(mode, RecipeNames.ParseMode(RecipeNames.ReferenceName(mode)));
            Assert.Equal(mode, RecipeNames.ParseMode(RecipeNames.ShortName(mode)));
        }

        foreach (var calc in Enum.GetValues<CalcMode>())
        {
            Assert.Equal(calc, RecipeNames.ParseCalcMode(RecipeNames.Name(calc)));
        }
    }

    [Fact]
    public void Valid_recipes_have_no_errors()
    {
        Assert.Empty(Kinds(TwoModel()));
        Assert.Empty(Kinds(ThreeModel(MergeMode.AddDifference, CalcMode.TrainDifference)));
        Assert.Empty(Kinds(ThreeModel(MergeMode.AddDifference, CalcMode.CosineB)));
        Assert.Empty(Kinds(ThreeModel(MergeMode.AddDifference, CalcMode.Extract) with { WeightsBeta = "FLAT_25" }));
        Assert.Empty(Kinds(TwoModel(calc: CalcMode.Tensor2) with { WeightsAlpha = "GRAD_A", WeightsBeta = "GRAD_V" }));
        Assert.Empty(Kinds(TwoModel(MergeMode.ScaledSum) with { ScaledSumWeightsA = "FLAT_75", ScaledSumWeightsB = "FLAT_25" }, BlockLayouts.Sdxl));
    }

    [Theory]
    [InlineData(MergeMode.WeightSum, CalcMode.TrainDifference, RecipeErrorKind.CalcModeRequiresAddDifference)]
    [InlineData(MergeMode.ScaledSum, CalcMode.SmoothAdd, RecipeErrorKind.CalcModeRequiresWeightSum)]
    [InlineData(MergeMode.ScaledSum, CalcMode.Self, RecipeErrorKind.CalcModeRequiresWeightSum)]
    [InlineData(MergeMode.SumTwice, CalcMode.Extract, RecipeErrorKind.CalcModeRequiresAddDifference)]
    [InlineData(MergeMode.AddDifference, CalcMode.Tensor, RecipeErrorKind.CalcModeRequiresWeightSum)]
    [InlineData(MergeMode.TripleSum, CalcMode.Tensor2, RecipeErrorKind.CalcModeRequiresWeightSum)]
    [InlineData(MergeMode.TripleSum, CalcMode.CosineA, RecipeErrorKind.CalcModeRequiresWeightSum)]
    public void Calcmodes_demand_their_mode(MergeMode mode, CalcMode calc, RecipeErrorKind kind) =>
        Assert.Contains(kind, Kinds(ThreeModel(mode, calc)));

    [Fact]
    public void Model_count_rules()
    {
        Assert.Equal([RecipeErrorKind.MissingModelC], Kinds(TwoModel(MergeMode.AddDifference)));
        Assert.Equal([RecipeErrorKind.MissingModelC], Kinds(TwoModel(MergeMode.SumTwice)));
        Assert.Contains("three models", RecipeValidator.Validate(TwoModel(MergeMode.AddDifference, CalcMode.Extract), null)[0].Message);
        Assert.Equal([RecipeErrorKind.UnusedModelC], Kinds(ThreeModel(MergeMode.WeightSum)));
        Assert.Equal([RecipeErrorKind.MissingModelB], Kinds(TwoModel() with { B = null }));
        Assert.Equal([RecipeErrorKind.MissingModelA], Kinds(RecipeJson.Deserialize("{\"b\":{\"path\":\"b\"}}")));
        Assert.Equal([RecipeErrorKind.ScaledSumRequiresNormal, RecipeErrorKind.UnusedModelC], Kinds(ThreeModel(MergeMode.ScaledSum, CalcMode.Normal) with { CalcMode = CalcMode.CosineB })
            .Where(k => k != RecipeErrorKind.CalcModeRequiresWeightSum).ToArray());
    }

    [Fact]
    public void Block_lists_are_checked_against_the_layout()
    {
        var recipe = TwoModel() with { WeightsAlpha = "GRAD_V" };
        Assert.Empty(Kinds(recipe, BlockLayouts.Sd));
        Assert.Empty(Kinds(recipe, null));
        Assert.Equal([RecipeErrorKind.BlockWeightsNeedKnownArchitecture], Kinds(recipe, BlockLayouts.None));
        var twenty = TwoModel() with { WeightsAlpha = string.Join(",", Enumerable.Repeat("1", 20)) };
        Assert.Equal([RecipeErrorKind.InvalidBlockWeights], Kinds(twenty, BlockLayouts.Sd));
        Assert.Empty(Kinds(twenty, BlockLayouts.Sdxl));
        Assert.Equal([RecipeErrorKind.UnusedBetaWeights], Kinds(TwoModel() with { WeightsBeta = "FLAT_25" }));
        Assert.Equal([RecipeErrorKind.UnusedScaledSumWeights], Kinds(TwoModel() with { ScaledSumWeightsA = "FLAT_25" }));
    }

    [Fact]
    public void Numbers_and_hashes_are_checked()
    {
        Assert.Equal([RecipeErrorKind.InvalidNumber], Kinds(TwoModel() with { Alpha = double.NaN }));
        Assert.Equal([RecipeErrorKind.InvalidSha256], Kinds(TwoModel() with { B = new MergeInput("b", "abc") }));
        var ex = Assert.Throws<InvalidRecipeException>(() => RecipeValidator.EnsureValid(TwoModel() with { Alpha = double.PositiveInfinity, B = null }, null));
        Assert.Equal(2, ex.Errors.Count);
        Assert.Contains("1 more", ex.Message);
        RecipeValidator.EnsureValid(TwoModel(), BlockLayouts.Sd);
    }
}

public class RecipeDefaultsTests
{
    [Fact]
    public void Missing_members_take_the_documented_defaults()
    {
        var recipe = RecipeJson.Deserialize("{}");
        Assert.Equal(new MergeRecipe(), recipe);
        Assert.Equal(0.5, recipe.Alpha);
        Assert.Equal(0.3, recipe.Gamma);
        Assert.NotNull(recipe.A);
        Assert.Empty(recipe.Exclude);
    }
}
