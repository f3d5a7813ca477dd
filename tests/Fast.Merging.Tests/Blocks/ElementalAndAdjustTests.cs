using System.Globalization;
using Fast.Merging.Blocks;

namespace Fast.Merging.Tests.Blocks;

/// <summary>
/// Elemental merge and Adjust against supermerger c60e6f3's own functions: the Adjust values below were printed by
/// /usr/bin/python3 running its <c>fineman</c>/<c>colorcalc</c> (native-compat/reference/elemental_adjust.py), not
/// computed here; the elemental cases follow its <c>elementals</c>/<c>blocker</c> rules as its documentation states them.
/// </summary>
public class ElementalAndAdjustTests
{
    [Theory]
    [InlineData("1,1,1,0,0,0,0,0", false, "0x1.fae147ae147aep-1,0x1.051eb851eb852p+0,0x1.fae147ae147aep-1,0x1.051eb851eb852p+0,0x1.fae147ae147aep-1", "0x0.0p+0,0x0.0p+0,0x0.0p+0,0x0.0p+0")]
    [InlineData("2,-3.5,1,0.7,-1.2,2,0.5,-3", false, "0x1.f5c28f5c28f5cp-1,0x1.0a3d70a3d70a4p+0,0x1.08f5c28f5c28fp+0,0x1.dc28f5c28f5c2p-1,0x1.fae147ae147aep-1", "0x1.cac083126e978p-7,0x1.0624dd2f1aa00p-8,0x1.6872b020c49bap-6,-0x1.604189374bc6ap-4")]
    [InlineData("2,-3.5,1,0.7,-1.2,2,0.5,-3", true, "0x1.f5c28f5c28f5cp-1,0x1.0a3d70a3d70a4p+0,0x1.08f5c28f5c28fp+0,0x1.dc28f5c28f5c2p-1,0x1.fae147ae147aep-1", "0x1.cac083126e978p-7,0x1.70a3d70a3d70ap-4,-0x1.1eb851eb851ebp-4,-0x1.89374bc6a7efap-6")]
    [InlineData("0,0,0,0,-1,1,0,0", false, "0x1.0000000000000p+0,0x1.0000000000000p+0,0x1.0000000000000p+0,0x1.0000000000000p+0,0x1.0000000000000p+0", "0x0.0p+0,0x1.47ae147ae147bp-5,0x1.b4e81b4e81b4fp-7,-0x1.b4e81b4e81b4ep-7")]
    public void Adjust_values_are_finemans(string text, bool sdxl, string factors, string offsets)
    {
        AdjustValues values = AdjustValues.Parse(text, sdxl)!;
        Assert.Equal(factors.Split(',').Select(Hex), values.Factors);
        Assert.Equal(offsets.Split(',').Select(Hex).Select(BitConverter.DoubleToInt64Bits), values.Offsets.Select(BitConverter.DoubleToInt64Bits));
    }

    [Theory]
    [InlineData("0,0,0,0,0,0,0,0")]
    [InlineData("0,")]
    [InlineData(",,0")]
    public void All_zero_adjust_changes_nothing(string text) => Assert.Null(AdjustValues.Parse(text, sdxl: false));

    [Theory]
    [InlineData("1", "commas")]
    [InlineData("1,x,0", "'x'")]
    [InlineData("1,1,1,1,1,1,1,1,1", "at most 8")]
    public void Bad_adjust_names_the_option_and_the_problem(string text, string expected)
    {
        var error = Assert.Throws<InvalidBlockWeightsException>(() => AdjustValues.Parse(text, sdxl: false));
        Assert.Contains("--adjust", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    // later entries win; elements by substring
    [InlineData("OUT06:attn:0.5,OUT06:attn2.to_k:0.2", "model.diffusion_model.output_blocks.6.1.transformer_blocks.0.attn2.to_k.weight", "OUT06", 0.2)]
    [InlineData("OUT06:attn:0.5,OUT06:attn2.to_k:0.2", "model.diffusion_model.output_blocks.6.1.transformer_blocks.0.attn1.to_q.weight", "OUT06", 0.5)]
    // NOT on blocks and on elements
    [InlineData("NOT OUT04:attn:1", "model.diffusion_model.output_blocks.4.1.transformer_blocks.0.attn1.to_q.weight", "OUT04", 0.45)]
    [InlineData("NOT OUT04:attn:1", "model.diffusion_model.output_blocks.5.1.transformer_blocks.0.attn1.to_q.weight", "OUT05", 1.0)]
    [InlineData("OUT05:NOT attn proj:0.2", "model.diffusion_model.output_blocks.5.1.proj_in.weight", "OUT05", 0.45)]
    [InlineData("OUT05:NOT attn proj:0.2", "model.diffusion_model.output_blocks.5.0.in_layers.0.weight", "OUT05", 0.2)]
    // ranges either way round; empty blocks or elements mean all; IN0 matches IN00-IN09 by substring
    [InlineData("IN03-IN01::0.7", "model.diffusion_model.input_blocks.2.0.in_layers.0.weight", "IN02", 0.7)]
    [InlineData("IN01-IN03::0.7", "model.diffusion_model.input_blocks.4.0.in_layers.0.weight", "IN04", 0.45)]
    [InlineData(":norm:0.1", "model.diffusion_model.middle_block.1.norm.weight", "M00", 0.1)]
    [InlineData("IN0::0.3\nM00:norm:0.9", "model.diffusion_model.input_blocks.7.1.norm.weight", "IN07", 0.3)]
    public void Elemental_entries_override_alpha_as_supermerger_does(string text, string key, string block, double expected)
    {
        ElementalWeights weights = ElementalWeights.Parse(text, BlockLayouts.Sd);
        double alpha = weights.AlphaFor(key, block, BlockLayouts.Sd.IndexOfBlock(block), 0, 0.45, null, 3, [], []);
        Assert.Equal(expected, alpha);
    }

    [Theory]
    [InlineData("IN04:0.2", "two colons")]
    [InlineData("IN04-IN99:attn:0.2", "range 'IN04-IN99'")]
    [InlineData("IN04:attn:0.2R", "'0.2R'")]
    public void Bad_elemental_entries_name_the_option_and_the_entry(string text, string expected)
    {
        var error = Assert.Throws<InvalidBlockWeightsException>(() => ElementalWeights.Parse(text, BlockLayouts.Sd));
        Assert.Contains("--elemental", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_elemental_ratios_draw_from_index_100_plus_the_key_number()
    {
        ElementalWeights weights = ElementalWeights.Parse("OUT05::R,OUT06::U,OUT07::X", BlockLayouts.Sd);
        double[] draws = new NumpyLegacyRandom(99).NextDoubles(RandomBlockWeights.Draws);
        double[] upper = [.. Enumerable.Repeat(0.9, 26)], lower = [.. Enumerable.Repeat(0.1, 26)];
        Assert.True(weights.DrawsRandom);
        Assert.Equal(PythonRound.Round(draws[107], 3), weights.AlphaFor("k.output_blocks.5.x", "OUT05", 19, 7, 0.5, draws, 3, upper, lower));
        Assert.Equal(PythonRound.Round((-2 * draws[108]) + 1, 3), weights.AlphaFor("k", "OUT06", 20, 8, 0.5, draws, 3, upper, lower));
        Assert.Equal(PythonRound.Round(((0.1 - 0.9) * draws[109]) + 0.9, 3), weights.AlphaFor("k", "OUT07", 21, 9, 0.5, draws, 3, upper, lower));
    }

    /// <summary>Python's <c>float.hex()</c> text back to the double (13 hex digits: exact).</summary>
    private static double Hex(string hex)
    {
        bool negative = hex.StartsWith('-');
        string body = negative ? hex[1..] : hex;
        int p = body.IndexOf('p', StringComparison.Ordinal);
        string[] mantissa = body[2..p].Split('.');
        int exponent = int.Parse(body[(p + 1)..], CultureInfo.InvariantCulture);
        long integer = long.Parse(mantissa[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        string fraction = mantissa.Length > 1 ? mantissa[1] : "0";
        double value = integer + (long.Parse(fraction, NumberStyles.HexNumber, CultureInfo.InvariantCulture) / Math.Pow(16, fraction.Length));
        value = Math.ScaleB(value, exponent);
        return negative ? -value : value;
    }
}
