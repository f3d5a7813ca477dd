using System.Globalization;

namespace Fast.Merging.Blocks;

/// <summary>The block names of the weight lists, in list order.</summary>
public static class BlockIds
{
    /// <summary>Everything outside the UNet blocks: text encoders and VAE (and SD1's <c>time_embed</c> does not go here, see <see cref="BlockMapper"/>).</summary>
    public const string Base = "BASE";

    /// <summary>The middle block.</summary>
    public const string Middle = "M00";

    /// <summary>Filter item that names the VAE (<see cref="CheckpointPrefixes.Vae"/>), as in supermerger's exclude list.</summary>
    public const string Vae = "VAE";

    /// <summary>SD1/SD2: <c>BASE, IN00..IN11, M00, OUT00..OUT11</c> (26).</summary>
    public static IReadOnlyList<string> Sd => BlockLayouts.Sd.Blocks;

    /// <summary>SDXL: <c>BASE, IN00..IN08, M00, OUT00..OUT08</c> (20).</summary>
    public static IReadOnlyList<string> Sdxl => BlockLayouts.Sdxl.Blocks;

    /// <summary>The block list of a layout (empty for <see cref="BlockLayouts.None"/>).</summary>
    public static IReadOnlyList<string> For(BlockLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return layout.Blocks;
    }

    /// <summary><c>IN</c> + two digits.</summary>
    public static string Input(int index) => "IN" + index.ToString("00", CultureInfo.InvariantCulture);

    /// <summary><c>OUT</c> + two digits.</summary>
    public static string Output(int index) => "OUT" + index.ToString("00", CultureInfo.InvariantCulture);

    /// <summary>A UNet list with <paramref name="perSide"/> input and output blocks.</summary>
    internal static string[] Build(int perSide) =>
    [
        Base,
        .. Enumerable.Range(0, perSide).Select(Input),
        Middle,
        .. Enumerable.Range(0, perSide).Select(Output),
    ];
}
