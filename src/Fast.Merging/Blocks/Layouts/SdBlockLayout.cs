using System.Text.RegularExpressions;

namespace Fast.Merging.Blocks.Layouts;

/// <summary>
/// The UNet layouts of SD1/SD2 (and the SDXL refiner, 12 blocks a side) and SDXL base (9 a side), SPEC §5:
/// <c>BASE, IN00..IN(n-1), M00, OUT00..OUT(n-1)</c>.
/// </summary>
internal static partial class SdBlockLayout
{
    /// <summary>SD1/SD2, first match wins: <c>time_embed</c> and <c>label_emb</c> (the refiner's) → IN00 (SPEC §9: the
    /// reference's index bug sent <c>time_embed</c> to OUT11); <c>.out.</c> → OUT11; then blocks by number.</summary>
    public static BlockLayout Sd() => new(
        "SD",
        "BASE, IN00-IN11, M00, OUT00-OUT11",
        BlockIds.Build(12),
        [
            BlockRule.Contains("time_embed", 1),
            BlockRule.Contains("label_emb", 1),
            BlockRule.Contains(".out.", 1 + 12 + 1 + 11),
            .. Numbered(12),
        ]);

    /// <summary>SDXL base: text encoders and VAE → BASE; <c>time_embed</c>, <c>label_emb</c> → IN00;
    /// <c>model.diffusion_model.out.</c> → OUT08; then blocks by number. Takes an SD list by dropping IN09–IN11 and OUT09–OUT11.</summary>
    public static BlockLayout Sdxl(BlockLayout sd) => new(
        "SDXL",
        "BASE, IN00-IN08, M00, OUT00-OUT08",
        BlockIds.Build(9),
        [
            BlockRule.StartsWith(CheckpointPrefixes.SdxlTextEncoders, BlockLayout.BaseIndex),
            BlockRule.StartsWith(CheckpointPrefixes.Vae, BlockLayout.BaseIndex),
            BlockRule.Contains("time_embed", 1),
            BlockRule.Contains("label_emb", 1),
            BlockRule.Contains(CheckpointPrefixes.DiffusionModel + "out.", 1 + 9 + 1 + 8),
            .. Numbered(9),
        ],
        [new BlockListConversion(sd, DropSdOnlyBlocks)]);

    private static BlockRule[] Numbered(int perSide) =>
    [
        BlockRule.Numbered(InputBlock(), 1, perSide),
        BlockRule.Contains(".middle_block.", 1 + perSide),
        BlockRule.Numbered(OutputBlock(), 1 + perSide + 1, perSide),
    ];

    // SD list order: BASE(0), IN00-IN08(1-9), IN09-IN11(10-12), M00(13), OUT00-OUT08(14-22), OUT09-OUT11(23-25).
    private static double[] DropSdOnlyBlocks(double[] sd) => [.. sd[..10], sd[13], .. sd[14..23]];

    [GeneratedRegex(@"\.input_blocks\.(\d+)\.", RegexOptions.CultureInvariant)]
    private static partial Regex InputBlock();

    [GeneratedRegex(@"\.output_blocks\.(\d+)\.", RegexOptions.CultureInvariant)]
    private static partial Regex OutputBlock();
}
