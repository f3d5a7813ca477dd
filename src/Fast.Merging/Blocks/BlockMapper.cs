namespace Fast.Merging.Blocks;

/// <summary>Maps a checkpoint key to the block whose weight applies to it (SPEC §5), by the layout's table.</summary>
public static class BlockMapper
{
    /// <summary>
    /// The block of <paramref name="key"/> under <paramref name="layout"/>; <see cref="BlockIds.Base"/> for keys
    /// outside the denoiser's blocks and for every key when the layout has no blocks.
    /// </summary>
    /// <remarks>The rules are the layout's (<see cref="BlockLayout.Rules"/>, see <c>Layouts/</c>); this is their name-returning face.</remarks>
    public static string BlockOf(string key, BlockLayout layout)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(layout);
        return layout.HasBlocks ? layout.Blocks[layout.IndexOf(key)] : BlockIds.Base;
    }
}
