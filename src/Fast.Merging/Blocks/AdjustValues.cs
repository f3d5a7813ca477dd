using System.Globalization;

namespace Fast.Merging.Blocks;

/// <summary>
/// supermerger c60e6f3's "Adjust" (<c>fineman</c>, <c>colorcalc</c>, <c>FINETUNES</c>): up to 8 comma-separated values
/// IN, OUT, OUT2, CONT, BRI, COL1, COL2, COL3 turned, in Python's double arithmetic, into five factors for the U-Net's
/// input conv and output norm/conv (<c>1 − v·0.01</c>, <c>1 + v·0.02</c>) and four offsets added to the output conv's
/// bias (contrast·0.02, then the colour mix of <c>COLS</c>, or <c>COLSXL</c> for SDXL, ×0.02 summed per channel).
/// </summary>
public sealed class AdjustValues
{
    /// <summary>supermerger's <c>FINETUNES</c>: the keys Adjust changes, in the order of its factor list.</summary>
    public static IReadOnlyList<string> Keys { get; } =
    [
        "model.diffusion_model.input_blocks.0.0.weight",
        "model.diffusion_model.input_blocks.0.0.bias",
        "model.diffusion_model.out.0.weight",
        "model.diffusion_model.out.0.bias",
        "model.diffusion_model.out.2.weight",
        "model.diffusion_model.out.2.bias",
    ];

    private static readonly double[][] s_colours = [[-1, 1.0 / 3, 2.0 / 3], [1, 1, 0], [0, -1, -1], [1, 0, 1]];
    private static readonly double[][] s_coloursXl = [[0, 0, 1], [1, 0, 0], [-1, -1, 0], [-1, 1, 0]];

    private AdjustValues(double[] factors, double[] offsets)
    {
        Factors = factors;
        Offsets = offsets;
    }

    /// <summary>The multipliers of <see cref="Keys"/>[0..4].</summary>
    public IReadOnlyList<double> Factors { get; }

    /// <summary>What is added to <see cref="Keys"/>[5] (the 4 latent channels' output bias).</summary>
    public IReadOnlyList<double> Offsets { get; }

    /// <summary>
    /// The values of <paramref name="text"/>, or null when they are all 0 (supermerger's <c>fine.rstrip(",0") != ""</c>
    /// test: nothing changes). Missing values are 0.
    /// </summary>
    /// <exception cref="InvalidBlockWeightsException">No comma (supermerger ignores such a text), more than 8 values, or a value that is not a number.</exception>
    public static AdjustValues? Parse(string text, bool sdxl)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.TrimEnd(',', '0').Length == 0)
        {
            return null;
        }

        if (!text.Contains(',', StringComparison.Ordinal))
        {
            throw new InvalidBlockWeightsException($"--adjust '{text}' must list its values with commas (IN,OUT,OUT2,CONT,BRI,COL1,COL2,COL3), e.g. '1,1,1,0,0,0,0,0'.");
        }

        string[] items = text.Split(',');
        if (items.Length > 8)
        {
            throw new InvalidBlockWeightsException($"--adjust takes at most 8 values (IN,OUT,OUT2,CONT,BRI,COL1,COL2,COL3); got {items.Length}.");
        }

        var f = new double[8];
        for (int i = 0; i < items.Length; i++)
        {
            string item = items[i].Trim();
            if (item.Length > 0 && !double.TryParse(item, NumberStyles.Float, CultureInfo.InvariantCulture, out f[i]))
            {
                throw new InvalidBlockWeightsException($"--adjust value {i + 1}, '{item}', is not a decimal number.");
            }
        }

        double[] factors = [1 - (f[0] * 0.01), 1 + (f[0] * 0.02), 1 - (f[1] * 0.01), 1 + (f[1] * 0.02), 1 - (f[2] * 0.01)];
        double[][] colours = sdxl ? s_coloursXl : s_colours;
        var offsets = new double[4];
        offsets[0] = f[3] * 0.02;
        for (int channel = 0; channel < 3; channel++)
        {
            double sum = 0; // Python's sum starts from the int 0 (so a first -0.0 becomes +0.0, as here)
            for (int row = 0; row < 4; row++)
            {
                sum += colours[row][channel] * f[4 + row] * 0.02;
            }

            offsets[channel + 1] = sum;
        }

        return new AdjustValues(factors, offsets);
    }
}
