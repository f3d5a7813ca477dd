using System.Globalization;
using System.Text.RegularExpressions;

namespace Fast.Merging.Blocks;

/// <summary>Maps a checkpoint key to the block whose weight applies to it (SPEC §5).</summary>
public static partial class BlockMapper
{
    /// <summary>
    /// The block of <paramref name="key"/> under <paramref name="layout"/>; <see cref="BlockIds.Base"/> for keys
    /// outside the UNet blocks and for every key when the layout is <see cref="BlockLayout.None"/>.
    /// </summary>
    /// <remarks>
    /// SD1/SD2, first match wins: <c>time_embed</c> → IN00 (SPEC §9: the reference's index bug sent it to OUT11);
    /// <c>label_emb</c> → IN00 (only the SDXL refiner, which takes this layout, has one); <c>.out.</c> → OUT11;
    /// <c>.input_blocks.N.</c> → IN N; <c>.middle_block.</c> → M00; <c>.output_blocks.N.</c> → OUT N; else BASE.
    /// SDXL: text encoders and VAE → BASE; <c>time_embed</c>, <c>label_emb</c> → IN00; <c>model.diffusion_model.out.</c>
    /// → OUT08; input, middle and output blocks by number; else BASE.
    /// </remarks>
    public static string BlockOf(string key, BlockLayout layout)
    {
        ArgumentNullException.ThrowIfNull(key);
        return layout switch
        {
            BlockLayout.Sd => SdBlock(key),
            BlockLayout.Sdxl => SdxlBlock(key),
            _ => BlockIds.Base,
        };
    }

    private static string SdBlock(string key)
    {
        if (key.Contains("time_embed", StringComparison.Ordinal) || key.Contains("label_emb", StringComparison.Ordinal))
        {
            return BlockIds.Input(0);
        }

        if (key.Contains(".out.", StringComparison.Ordinal))
        {
            return BlockIds.Output(11);
        }

        return Numbered(key, 12) ?? BlockIds.Base;
    }

    private static string SdxlBlock(string key)
    {
        if (key.StartsWith("conditioner.embedders.", StringComparison.Ordinal) || key.StartsWith("first_stage_model.", StringComparison.Ordinal))
        {
            return BlockIds.Base;
        }

        if (key.Contains("time_embed", StringComparison.Ordinal) || key.Contains("label_emb", StringComparison.Ordinal))
        {
            return BlockIds.Input(0);
        }

        if (key.Contains("model.diffusion_model.out.", StringComparison.Ordinal))
        {
            return BlockIds.Output(8);
        }

        return Numbered(key, 9) ?? BlockIds.Base;
    }

    private static string? Numbered(string key, int perSide)
    {
        var input = InputBlock().Match(key);
        if (input.Success)
        {
            return InRange(input, perSide, BlockIds.Input);
        }

        if (key.Contains(".middle_block.", StringComparison.Ordinal))
        {
            return BlockIds.Middle;
        }

        var output = OutputBlock().Match(key);
        return output.Success ? InRange(output, perSide, BlockIds.Output) : null;
    }

    // A block number the layout does not have (a model that only looks like SD) gets the base weight rather than a
    // made-up block.
    private static string? InRange(Match match, int perSide, Func<int, string> name) =>
        int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n < perSide ? name(n) : null;

    [GeneratedRegex(@"\.input_blocks\.(\d+)\.", RegexOptions.CultureInvariant)]
    private static partial Regex InputBlock();

    [GeneratedRegex(@"\.output_blocks\.(\d+)\.", RegexOptions.CultureInvariant)]
    private static partial Regex OutputBlock();
}
