using Fast.Merging.Recipes;

namespace Fast.Merging.Tests.Recipes;

/// <summary>One dtype table: every spelling the CLI accepts, recipe JSON (what the C ABI's merge reads) accepts too.</summary>
public class OutputDTypesTests
{
    [Theory]
    [InlineData("keep", OutputDType.Keep)]
    [InlineData("fp16", OutputDType.Fp16)]
    [InlineData("Half", OutputDType.Fp16)]
    [InlineData("bf16", OutputDType.Bf16)]
    [InlineData("fp32", OutputDType.Fp32)]
    [InlineData("fp8_e4m3", OutputDType.Fp8E4M3)]
    [InlineData("FP8-E4M3FN", OutputDType.Fp8E4M3)]
    [InlineData("fp8_e5m2", OutputDType.Fp8E5M2)]
    public void Cli_names_and_recipe_json_agree(string name, OutputDType expected)
    {
        Assert.Equal(expected, RecipeNames.ParseOutputDType(name));
        Assert.True(OutputDTypes.TryParse(name, out var parsed));
        Assert.Equal(expected, parsed);
        var recipe = RecipeJson.Deserialize($$$"""{"mode":"ws","dtype":"{{{name}}}","a":{"path":"a.safetensors"}}""");
        Assert.Equal(expected, recipe.OutputDType);

        // Written back under its canonical name, as before the table (metadata bytes of existing merges do not change).
        Assert.Contains($"\"dtype\":\"{OutputDTypes.Name(expected)}\"", RecipeJson.Serialize(recipe), StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_names_are_refused_listing_the_canonical_ones()
    {
        var ex = Assert.Throws<InvalidRecipeException>(() => RecipeNames.ParseOutputDType("fp64"));
        Assert.Contains("keep, fp16, bf16, fp32, fp8_e4m3, fp8_e5m2", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidRecipeException>(() => RecipeJson.Deserialize("""{"mode":"ws","dtype":"fp64","a":{"path":"a.safetensors"}}"""));
        Assert.Equal(["keep", "fp16", "bf16", "fp32", "fp8_e4m3", "fp8_e5m2"], OutputDTypes.Names);
    }
}
