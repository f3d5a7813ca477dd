using Fast.Merging.Bulk;
using Fast.Merging.Recipes;

namespace Fast.Merging.Tests.Bulk;

/// <summary>Sweep expansion: decimal-exact α ranges, the cartesian product in a fixed order, deterministic names.</summary>
public sealed class BulkSweepTests
{
    [Fact]
    public void Alpha_range_steps_in_decimal()
    {
        IReadOnlyList<double> values = AlphaRange.Parse("0:1:0.05");
        Assert.Equal(21, values.Count);
        Assert.Equal(Enumerable.Range(0, 21).Select(i => (double)(i * 0.05m)), values);
        Assert.Equal(0.15, values[3]); // not 0.15000000000000002
        Assert.Equal(0.35, values[7]);
        Assert.Equal(1.0, values[^1]);
    }

    [Theory]
    [InlineData("0.3", new[] { 0.3 })]
    [InlineData("1:0:-0.25", new[] { 1, 0.75, 0.5, 0.25, 0 })]
    [InlineData("0:1:0.3", new[] { 0, 0.3, 0.6, 0.9 })]
    [InlineData("0.5:0.5:0.1", new[] { 0.5 })]
    public void Alpha_range_forms(string text, double[] expected) => Assert.Equal(expected, AlphaRange.Parse(text));

    [Theory]
    [InlineData("0:1:0")]
    [InlineData("0:1:-0.1")]
    [InlineData("0:1")]
    [InlineData("a:1:0.1")]
    [InlineData("0:1:0.000001")]
    public void Bad_alpha_ranges_are_refused(string text) => Assert.Throws<FormatException>(() => AlphaRange.Parse(text));

    [Fact]
    public void Expansion_is_the_cartesian_product_in_a_fixed_order()
    {
        var sweep = new BulkSweep
        {
            Base = new MergeRecipe { A = new("models/a.safetensors"), C = new("models/c.safetensors"), Beta = 0.2 },
            OutputDirectory = "out",
            BModels = ["models/b1.safetensors", "models/b2.safetensors"],
            Modes = [MergeMode.WeightSum, MergeMode.AddDifference],
            Alphas = AlphaRange.Parse("0:1:0.5"),
            WeightsAlpha = ["GRAD_V", "GRAD_A"],
        };
        BulkPlan plan = sweep.Expand();

        Assert.Equal(2 * 2 * 2 * 3, plan.Variants.Count);
        Assert.Equal(Enumerable.Range(0, 24), plan.Variants.Select(v => v.Index));
        Assert.Equal(Path.Combine("out", "b1_ws_normal_w1_a0.safetensors"), plan.Variants[0].OutputPath);
        Assert.Equal(Path.Combine("out", "b1_ws_normal_w1_a0.5.safetensors"), plan.Variants[1].OutputPath);
        Assert.Equal(Path.Combine("out", "b1_ws_normal_w2_a0.safetensors"), plan.Variants[3].OutputPath);
        Assert.Equal(Path.Combine("out", "b1_ad_normal_w1_a0.safetensors"), plan.Variants[6].OutputPath);
        Assert.Equal(Path.Combine("out", "b2_ad_normal_w2_a1.safetensors"), plan.Variants[^1].OutputPath);
        Assert.Null(plan.Variants[0].Recipe.C); // ws reads no C
        Assert.Equal("models/c.safetensors", plan.Variants[6].Recipe.C!.Path);
        Assert.Equal("models/b2.safetensors", plan.Variants[^1].Recipe.B!.Path);
        Assert.Equal("GRAD_A", plan.Variants[^1].Recipe.WeightsAlpha);
        Assert.All(plan.Variants, v => Assert.Equal(0.2, v.Recipe.Beta));
        Assert.Equal(plan.Variants.Select(v => v.OutputPath), sweep.Expand().Variants.Select(v => v.OutputPath));
    }

    [Fact]
    public void Two_b_models_with_one_stem_cannot_be_named_apart()
    {
        var sweep = new BulkSweep { Base = new MergeRecipe { A = new("a") }, OutputDirectory = "out", BModels = ["x/b.safetensors", "y/b.safetensors"] };
        Assert.Throws<BulkPlanException>(sweep.Expand);
    }

    [Theory]
    [InlineData("2G", 2L << 30)]
    [InlineData("512M", 512L << 20)]
    [InlineData("1.5GiB", 3L << 29)]
    [InlineData("64k", 64L << 10)]
    [InlineData("1048576", 1048576)]
    public void Memory_sizes(string text, long bytes) => Assert.Equal(bytes, MemorySize.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("-1G")]
    [InlineData("lots")]
    public void Bad_memory_sizes(string text) => Assert.Throws<FormatException>(() => MemorySize.Parse(text));
}
