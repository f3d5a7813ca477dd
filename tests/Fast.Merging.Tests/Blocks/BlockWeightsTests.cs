using System.Globalization;
using Fast.Merging.Blocks;

namespace Fast.Merging.Tests.Blocks;

public class BlockWeightsTests
{
    private static string List(int n, Func<int, double> f) => string.Join(",", Enumerable.Range(0, n).Select(i => f(i).ToString(CultureInfo.InvariantCulture)));

    [Fact]
    public void Sd_26_values_map_in_order()
    {
        var w = BlockWeights.Parse(List(26, i => i / 100.0), BlockLayouts.Sd, 0.9);
        Assert.True(w.BaseFromList);
        Assert.Equal(0.0, w["BASE"]);
        Assert.Equal(0.01, w["IN00"]);
        Assert.Equal(0.13, w["M00"]);
        Assert.Equal(0.25, w["OUT11"]);
        Assert.Equal(0.25, w.ForKey("model.diffusion_model.out.0.bias"));
    }

    [Fact]
    public void Sd_25_values_take_base_from_base_alpha()
    {
        var w = BlockWeights.Parse(List(25, i => 1), BlockLayouts.Sd, 0.3);
        Assert.False(w.BaseFromList);
        Assert.Equal(26, w.Values.Count);
        Assert.Equal(0.3, w["BASE"]);
    }

    [Fact]
    public void Sdxl_converts_26_by_dropping_the_sd_only_blocks()
    {
        var w = BlockWeights.Parse(List(26, i => i), BlockLayouts.Sdxl, 0);
        Assert.Equal([0.0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22], w.Values);
        Assert.Equal(13, w["M00"]);
        Assert.Equal(22, w["OUT08"]);
        var from25 = BlockWeights.Parse(List(25, i => i + 1), BlockLayouts.Sdxl, 0.5);
        Assert.Equal(0.5, from25["BASE"]);
        Assert.Equal(from25.Values.Skip(1), w.Values.Skip(1));
        Assert.Equal(20, BlockWeights.Parse(List(20, i => 0), BlockLayouts.Sdxl, 0).Values.Count);
        Assert.Equal(0.7, BlockWeights.Parse(List(19, i => 0), BlockLayouts.Sdxl, 0.7)["BASE"]);
    }

    [Fact]
    public void Numbers_allow_spaces_trailing_dot_and_exponents()
    {
        // The projects run with InvariantGlobalization, so the parser never sees a ',' decimal culture; '.' is required.
        var w = BlockWeights.Parse(" 1., 0.5 ,5e-1," + List(23, i => 0.25), BlockLayouts.Sd, 0);
        Assert.Equal(1.0, w["BASE"]);
        Assert.Equal(0.5, w["IN00"]);
        Assert.Equal(0.5, w["IN01"]);
        Assert.Equal(0.25, w["OUT11"]);
    }

    [Theory]
    [InlineData("0.5,abc,0.5")]
    [InlineData("0.5,NaN,0.5")]
    [InlineData("0.5,,0.5")]
    public void Bad_values_are_typed_errors(string text) =>
        Assert.Throws<InvalidBlockWeightsException>(() => BlockWeights.Parse(text + "," + List(23, i => 0), BlockLayouts.Sd, 0));

    [Fact]
    public void Wrong_counts_and_layouts_are_typed_errors()
    {
        Assert.Contains("SDXL list", Assert.Throws<InvalidBlockWeightsException>(() => BlockWeights.Parse(List(20, i => 0), BlockLayouts.Sd, 0)).Message);
        Assert.Throws<InvalidBlockWeightsException>(() => BlockWeights.Parse(List(27, i => 0), BlockLayouts.Sd, 0));
        Assert.Throws<InvalidBlockWeightsException>(() => BlockWeights.Parse(List(21, i => 0), BlockLayouts.Sdxl, 0));
        Assert.Throws<InvalidBlockWeightsException>(() => BlockWeights.Parse(List(26, i => 0), BlockLayouts.None, 0));
        Assert.Throws<InvalidBlockWeightsException>(() => BlockWeights.Parse("NO_SUCH_PRESET", BlockLayouts.Sd, 0));
        Assert.Throws<InvalidBlockWeightsException>(() => BlockWeights.Parse("0.5", BlockLayouts.Sd, 0));
    }

    [Fact]
    public void Presets_resolve_to_supermerger_values_with_their_own_base()
    {
        // supermerger's mbwpresets_master.txt: BASE 0 first (1 for ALL_B); --alpha does not override it (SPEC §5).
        var w = BlockWeights.Parse("GRAD_V", BlockLayouts.Sd, 0.4);
        Assert.Equal("GRAD_V", w.PresetName);
        Assert.True(w.BaseFromList);
        Assert.Equal(0.0, w["BASE"]);
        Assert.Equal(0.0, BlockWeights.Parse("GRAD_V", BlockLayouts.Sdxl, 0.5)["BASE"]);
        Assert.Equal(1.0, BlockWeights.Parse("ALL_B", BlockLayouts.Sd, 0.3)["BASE"]);
        Assert.Equal(0.0, BlockWeights.Parse("ALL_A", BlockLayouts.Sd, 0.7)["BASE"]);
        Assert.Equal(1.0, w["IN00"]);
        Assert.Equal(0.9166666667, w["IN01"]);
        Assert.Equal(0.0, w["M00"]);
        Assert.Equal(1.0, w["OUT11"]);
        Assert.Equal(0.0, BlockWeights.Parse("wrap08", BlockLayouts.Sd, 0.5)["BASE"]);
        Assert.Equal(0.0, BlockWeights.Parse("WRAP08", BlockLayouts.Sd, 0.5)["IN04"]);
        Assert.Equal(1.0, BlockWeights.Parse("WRAP08", BlockLayouts.Sd, 0.5)["IN03"]);
        Assert.Equal(0.5, BlockWeights.Parse("OUT12_5", BlockLayouts.Sd, 0)["M00"]);
    }

    [Fact]
    public void Every_preset_is_26_finite_values_base_first()
    {
        Assert.Equal(38, BlockWeightPresets.Names.Count);
        foreach (var name in new[] { "GRAD_V", "GRAD_A", "FLAT_25", "FLAT_75", "WRAP08", "WRAP12", "WRAP14", "WRAP16", "MID12_50", "OUT07", "OUT12", "OUT12_5",
            "RING08_SOFT", "RING08_5", "RING10_5", "RING10_3", "SMOOTHSTEP", "REVERSE-SMOOTHSTEP", "SMOOTHSTEP*2", "R_SMOOTHSTEP*2", "COSINE", "REVERSE_COSINE",
            "TRUE_CUBIC_HERMITE", "FAKE_REVERSE_CUBIC_HERMITE", "ALL_A", "ALL_B" })
        {
            Assert.Contains(name, BlockWeightPresets.Names);
        }

        foreach (var name in BlockWeightPresets.Names)
        {
            Assert.True(BlockWeightPresets.TryGetText(name, out var text));
            Assert.Equal(26, text.Split(',').Length);
            Assert.True(BlockWeights.Parse(name, BlockLayouts.Sd, 0.5).BaseFromList);
            Assert.Equal(20, BlockWeights.Parse(name, BlockLayouts.Sdxl, 0).Values.Count);
        }

        Assert.All(BlockWeights.Parse("ALL_B", BlockLayouts.Sd, 1).Values, v => Assert.Equal(1.0, v));
        Assert.Equal(0.994936342592593, BlockWeights.Parse("SMOOTHSTEP", BlockLayouts.Sd, 0)["OUT10"]);
    }
}
