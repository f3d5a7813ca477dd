using Fast.Merging.Blocks.Layouts;

namespace Fast.Merging.Blocks;

/// <summary>Every block-weight layout the library knows. A new architecture's blocks are one table in <c>Layouts/</c> and one line here.</summary>
public static class BlockLayouts
{
    /// <summary>No block weights: the model merges with one global α/β and a block list is an error.</summary>
    public static BlockLayout None { get; } = new("none", string.Empty, [], []);

    /// <summary>SD1/SD2 UNets (and the SDXL refiner) with 12 input and 12 output blocks: 26 values <c>BASE, IN00..IN11, M00, OUT00..OUT11</c>.</summary>
    public static BlockLayout Sd { get; } = SdBlockLayout.Sd();

    /// <summary>SDXL base with 9 input and 9 output blocks: 20 values <c>BASE, IN00..IN08, M00, OUT00..OUT08</c>.</summary>
    public static BlockLayout Sdxl { get; } = SdBlockLayout.Sdxl(Sd);

    /// <summary>Flux.1 dev/schnell: 64 values, ComfyUI's ModelMergeFlux1 entries after BASE.</summary>
    public static BlockLayout Flux { get; } = DitBlockLayouts.Flux();

    /// <summary>SD3 medium: 31 values, ComfyUI's ModelMergeSD3_2B entries after BASE.</summary>
    public static BlockLayout Sd3Medium { get; } = DitBlockLayouts.Sd3("SD3", 24);

    /// <summary>SD3.5 large: 45 values, ComfyUI's ModelMergeSD35_Large entries after BASE.</summary>
    public static BlockLayout Sd35Large { get; } = DitBlockLayouts.Sd3("SD3.5 large", 38);

    /// <summary>The layouts with blocks, for messages that name the list a count belongs to.</summary>
    public static IReadOnlyList<BlockLayout> All { get; } = [Sd, Sdxl, Flux, Sd3Medium, Sd35Large];
}
