using System.Globalization;
using Fast.Merging.Blocks;

namespace Fast.Merging.Tests.Blocks;

/// <summary>
/// Random block weights against what /usr/bin/python3 (numpy 1.x, CPython 3) prints for the reference's own code:
/// <c>np.random.seed(s); np.random.rand(3000)</c>, supermerger c60e6f3's <c>randdealer</c> and Python's <c>round</c>.
/// The expected values below were printed by that Python; they are not computed here.
/// </summary>
public class RandomBlockWeightsTests
{
    private const string Ones = "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1";
    private const string Zeros = "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0";

    [Theory]
    [InlineData(0u, new[] { "0x1.18fe1565f12a8p-1", "0x1.6e2d4cf608733p-1", "0x1.349d66b6e894bp-1", "0x1.747098a99b25cp-2", "0x1.23f0d4c2758fep-1", "0x1.c120c1512fe46p-2", "0x1.f3d3d9a419a16p-1", "0x1.6511a99299154p-1" })]
    [InlineData(42u, new[] { "0x1.7f8771e5f51ecp-2", "0x1.e6c4068bbd654p-1", "0x1.76c7e8f1e6751p-1", "0x1.7a94f9080425cp-3", "0x1.f06d6575e7fe6p-1", "0x1.8cde359cc8c58p-1", "0x1.3c8be3b0a31c0p-1", "0x1.be29faf440130p-1" })]
    [InlineData(4294967295u, new[] { "0x1.8fe69a3924820p-4", "0x1.d323d824032b1p-1", "0x1.93fc6f61af3f9p-1", "0x1.5f4d901ee4f2cp-1", "0x1.19ef632e4148ap-1", "0x1.ee6e19025b111p-1", "0x1.1e2bf4ed4fa5bp-1", "0x1.e33916d518fdep-2" })]
    [InlineData(123456789u, new[] { "0x1.10cf7d7f66cbap-1", "0x1.117a5a40d785fp-1", "0x1.04e422ae53d0cp-1", "0x1.10f5546627459p-1", "0x1.5334f47ca2d85p-1", "0x1.d5463868754f2p-2", "0x1.f29cd76bf0110p-5", "0x1.5cb2d3b6d038cp-2" })]
    public void Numpy_rand_after_seed_gives_numpys_doubles(uint seed, string[] hex)
    {
        int[] indexes = [0, 1, 2, 49, 50, 51, 624, 2999];
        double[] draws = new NumpyLegacyRandom(seed).NextDoubles(RandomBlockWeights.Draws);
        for (int k = 0; k < indexes.Length; k++)
        {
            Assert.Equal(FromHex(hex[k]), draws[indexes[k]]);
        }
    }

    [Theory]
    [InlineData("0x1.0000000000000p-4", 3, "0x1.fbe76c8b43958p-5")]
    [InlineData("0x1.5666666666666p+1", 2, "0x1.55c28f5c28f5cp+1")] // 2.675 -> 2.67: its binary value is below the tie
    [InlineData("0x1.0000000000000p-1", 0, "0x0.0p+0")] // 0.5 -> 0.0, ties to even
    [InlineData("0x1.8000000000000p+0", 0, "0x1.0000000000000p+1")] // 1.5 -> 2.0
    [InlineData("-0x1.a36e2eb1c432dp-12", 3, "-0x0.0p+0")] // -0.0004 -> -0.0
    [InlineData("0x1.f9a6b50b0f27cp-4", 4, "0x1.f9db22d0e5604p-4")]
    [InlineData("0x1.79ca10c924223p-67", 3, "0x0.0p+0")]
    [InlineData("0x1.ffbe76c8b4396p-1", 3, "0x1.0000000000000p+0")]
    [InlineData("0x1.0624dd2f1a9fcp-11", 3, "0x1.0624dd2f1a9fcp-10")]
    [InlineData("0x1.89374bc6a7efap-10", 3, "0x1.0624dd2f1a9fcp-9")]
    public void Round_is_pythons(string x, int digits, string expected)
    {
        double actual = PythonRound.Round(FromHex(x), digits);
        Assert.Equal(BitConverter.DoubleToInt64Bits(FromHex(expected)), BitConverter.DoubleToInt64Bits(actual));
    }

    [Fact]
    public void R_U_X_and_mixed_lists_are_randdealers()
    {
        Assert.Equal(
            "0.588,0.699,0.188,0.044,0.205,0.106,0.727,0.679,0.474,0.448,0.019,0.753,0.602,0.962,0.664,0.607,0.449,0.225,0.67,0.736,0.258,0.096,0.961,0.252,0.282,0.768",
            RandomBlockWeights.Draw("R", 2024, beta: false));
        Assert.Equal(
            "1.467,0.395,0.444,-0.347,1.008,1.372,-0.304,-0.248,1.173,-0.499,0.806,0.874,-0.194,-0.26,0.147,1.393,0.382,0.111,-0.148,0.877,0.49,-0.198,0.913,0.146,0.658,0.137",
            RandomBlockWeights.Draw(string.Join(',', Enumerable.Repeat("U", 26)), 2024, beta: true, upper: Ones, lower: Zeros));
        Assert.Equal(
            "0.43,0.3,0.56,0.96,0.79,0.89,0.27,0.32,0.53,0.55,0.98,0.25,0.4,0.04,0.34,0.39,0.55,0.77,0.33,0.26,0.74,0.9,0.04,0.75,0.72,1.23",
            RandomBlockWeights.Draw("X", 2024, beta: false, digits: 2,
                upper: "0.9,1,0.8,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,2", lower: "0.1,0,-0.5,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1"));
        Assert.Equal(
            "0.32397,0,0,0,0,0,0,0,0,0,0,0,0,0.96178,0.66437,0.60663,0.44915,0.22535,0.67017,0.73577,0.258,0.09554,0.96091,0.25177,0.28217,0.76825",
            RandomBlockWeights.Draw("U,0,0,0,0,0,0,0,0,0,0,0,0,R,R,R,R,R,R,R,R,R,R,R,R,R", 2024, beta: false, digits: 5));
    }

    [Fact]
    public void Drawn_lists_parse_as_block_weights_and_bad_entries_are_refused()
    {
        Assert.True(RandomBlockWeights.IsRandom("R"));
        Assert.True(RandomBlockWeights.IsRandom("0.5,U,1"));
        Assert.False(RandomBlockWeights.IsRandom("GRAD_V"));
        Assert.Equal(26, BlockWeights.Parse(RandomBlockWeights.Draw("R", 7, beta: false), BlockLayouts.Sd, 0).Values.Count);
        Assert.Throws<InvalidBlockWeightsException>(() => RandomBlockWeights.Draw("X", 1, beta: false, upper: "1,1"));
    }

    [Fact]
    public void Elemental_entries_zero_their_block_and_become_elemental_entries_in_the_alpha_list()
    {
        // randdealer: an E entry writes 0 and appends "BLOCKS::KIND" per kind, in the order R, U, X.
        const string List = "0.3,EX,0.2,ER,0.4,R,0.6,0.7,0.8,0.9,1,0.5,0.25,ER,0.35,0.45,0.55,0.65,0.75,EU,0.15,0.05,0.95,0.85,0.5,0.5";
        Assert.True(RandomBlockWeights.IsRandom("0.5,EU"));
        Assert.Equal("IN02 M00::R,OUT05::U,IN00::X", RandomBlockWeights.ElementalEntries(List));
        Assert.Null(RandomBlockWeights.ElementalEntries("R,0.5"));
        string drawn = RandomBlockWeights.Draw(List, 7, beta: false);
        string[] entries = drawn.Split(',');
        Assert.Equal(["0", "0", "0", "0"], new[] { entries[1], entries[3], entries[13], entries[19] });
        Assert.Equal(RandomBlockWeights.Draw("0,0,0,0,0,R", 7, beta: false).Split(',')[5], entries[5]); // E entries draw nothing

        var beta = Assert.Throws<InvalidBlockWeightsException>(() => RandomBlockWeights.Draw(List, 7, beta: true));
        Assert.Contains("--weights-beta", beta.Message, StringComparison.Ordinal);
        var shortList = Assert.Throws<InvalidBlockWeightsException>(() => RandomBlockWeights.ElementalEntries("ER,0"));
        Assert.Contains("26", shortList.Message, StringComparison.Ordinal);
    }

    private static double FromHex(string hex)
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
