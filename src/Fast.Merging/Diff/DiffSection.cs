using Fast.Kernels;

namespace Fast.Merging.Diff;

/// <summary>One part of the report: the denoiser by block, a text encoder or the VAE by group, or the keys of no component.</summary>
/// <param name="Label">
/// <c>unet</c> or <c>transformer</c> (the denoiser, grouped by the block-weight layout's blocks), <c>text_encoder</c>,
/// <c>text_encoder_2</c>, <c>vae</c>, another component's label, or <c>other</c>.
/// </param>
/// <param name="IsDenoiser">True for the section whose groups are the layout's blocks.</param>
/// <param name="Groups">Its groups in model order; for the denoiser every block of the layout, compared or not.</param>
public sealed record DiffSection(string Label, bool IsDenoiser, IReadOnlyList<DifferenceGroup> Groups)
{
    /// <summary>The whole section's sums, its groups added in order.</summary>
    public DifferenceSums Sums => Groups.Aggregate(default(DifferenceSums), (total, g) => total.Then(g.Sums));
}

/// <summary>A block or group: the sums of its compared tensors, added in key order.</summary>
/// <param name="Name">The block (<c>IN00</c>, <c>M00</c>, <c>double_blocks.3</c>) or group (<c>encoder.layers.3</c>).</param>
/// <param name="Tensors">How many tensors were compared in it (0: the models have none here, or none comparable).</param>
/// <param name="Sums">The difference statistics.</param>
public sealed record DifferenceGroup(string Name, int Tensors, DifferenceSums Sums);
