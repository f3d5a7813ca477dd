using System.Globalization;
using System.Text.RegularExpressions;

namespace Fast.Merging.Blocks.Layouts;

/// <summary>
/// The transformer layouts of Flux.1 and SD3/SD3.5, with the block names and grouping of ComfyUI's own merge nodes
/// (<c>comfy_extras/nodes_model_merging_model_specific.py</c>: ModelMergeFlux1, ModelMergeSD3_2B, ModelMergeSD35_Large),
/// so a user's weights carry over entry for entry. BASE comes first, as in every layout, and takes everything outside
/// the transformer (text encoders, VAE). Keys match with the checkpoint prefix <c>model.diffusion_model.</c> or bare,
/// as in diffusion-model-only files.
/// </summary>
internal static class DitBlockLayouts
{
    /// <summary>Flux.1 dev/schnell: img_in, time_in, guidance_in, vector_in, txt_in, double_blocks.0–18, single_blocks.0–37, final_layer (64 with BASE).</summary>
    public static BlockLayout Flux()
    {
        string[] heads = ["img_in", "time_in", "guidance_in", "vector_in", "txt_in"];
        const int Double = 19, Single = 38;
        var blocks = Names(heads, ("double_blocks", Double), ("single_blocks", Single), ["final_layer"]);
        int doubleFirst = 1 + heads.Length, singleFirst = doubleFirst + Double;
        return new BlockLayout(
            "Flux",
            "BASE, img_in, time_in, guidance_in, vector_in, txt_in, double_blocks.0-18, single_blocks.0-37, final_layer",
            blocks,
            [
                .. heads.Select((h, i) => Top(h, 1 + i)),
                BlockRule.Numbered(Stack("double_blocks"), doubleFirst, Double),
                BlockRule.Numbered(Stack("single_blocks"), singleFirst, Single),
                Top("final_layer", singleFirst + Single),
            ]);
    }

    /// <summary>SD3 medium (24 joint blocks) or SD3.5 large (38): pos_embed, x_embedder, context_embedder, y_embedder, t_embedder, joint_blocks.0–(n−1), final_layer.</summary>
    public static BlockLayout Sd3(string name, int jointBlocks)
    {
        string[] heads = ["pos_embed", "x_embedder", "context_embedder", "y_embedder", "t_embedder"];
        var blocks = Names(heads, ("joint_blocks", jointBlocks), ("", 0), ["final_layer"]);
        int jointFirst = 1 + heads.Length;
        return new BlockLayout(
            name,
            string.Create(CultureInfo.InvariantCulture, $"BASE, pos_embed, x_embedder, context_embedder, y_embedder, t_embedder, joint_blocks.0-{jointBlocks - 1}, final_layer"),
            blocks,
            [
                .. heads.Select((h, i) => Top(h, 1 + i)),
                BlockRule.Numbered(Stack("joint_blocks"), jointFirst, jointBlocks),
                Top("final_layer", jointFirst + jointBlocks),
            ]);
    }

    private static string[] Names(string[] heads, (string Stem, int Count) first, (string Stem, int Count) second, string[] tails) =>
    [
        BlockIds.Base,
        .. heads,
        .. Enumerable.Range(0, first.Count).Select(i => first.Stem + "." + i.ToString(CultureInfo.InvariantCulture)),
        .. Enumerable.Range(0, second.Count).Select(i => second.Stem + "." + i.ToString(CultureInfo.InvariantCulture)),
        .. tails,
    ];

    // The transformer's keys, under the checkpoint prefix or bare (diffusion-model-only files).
    private static readonly string s_transformer = "^(?:" + Regex.Escape(CheckpointPrefixes.DiffusionModel) + ")?";

    // A top-level module ("pos_embed" is a tensor, not a module: it matches without a dot too).
    private static BlockRule Top(string module, int block) =>
        BlockRule.Matches(new Regex(s_transformer + Regex.Escape(module) + @"(?:\.|$)", RegexOptions.CultureInvariant), block);

    // One of a stack of numbered blocks: the number is the first group.
    private static Regex Stack(string stem) => new(s_transformer + Regex.Escape(stem) + @"\.(\d+)\.", RegexOptions.CultureInvariant);
}
