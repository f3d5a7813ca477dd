using Fast.Merging.Blocks;

namespace Fast.Merging.Tests.Blocks;

public class BlockFilterTests
{
    private const string Unet = "model.diffusion_model.input_blocks.4.1.proj_in.weight";
    private const string Vae = "first_stage_model.decoder.conv_in.weight";
    private const string Clip = "cond_stage_model.transformer.text_model.encoder.layers.3.self_attn.k_proj.weight";

    [Fact]
    public void None_excludes_nothing() => Assert.False(BlockFilter.None.IsExcluded(Unet, "IN04"));

    [Fact]
    public void Exclude_by_block_range_vae_and_substring()
    {
        var f = new BlockFilter(["IN04", "OUT00-OUT02", "VAE", "k_proj", " "], null);
        Assert.True(f.IsExcluded(Unet, "IN04"));
        Assert.False(f.IsExcluded(Unet.Replace("4.1", "5.1", StringComparison.Ordinal), "IN05"));
        Assert.True(f.IsExcluded("model.diffusion_model.output_blocks.1.0.x", "OUT01"));
        Assert.False(f.IsExcluded("model.diffusion_model.output_blocks.3.0.x", "OUT03"));
        Assert.True(f.IsExcluded(Vae, "BASE"));
        Assert.True(f.IsExcluded(Clip, "BASE"));
        Assert.False(f.IsExcluded(Clip.Replace("k_proj", "v_proj", StringComparison.Ordinal), "BASE"));
    }

    [Fact]
    public void Reversed_range_is_the_same_range()
    {
        var f = new BlockFilter(["M00-IN10"], null);
        Assert.True(f.IsExcluded("k", "IN10"));
        Assert.True(f.IsExcluded("k", "IN11"));
        Assert.True(f.IsExcluded("k", "M00"));
        Assert.False(f.IsExcluded("k", "OUT00"));
    }

    [Fact]
    public void Include_keeps_everything_else_as_a()
    {
        var f = new BlockFilter(null, ["M00", "attn2"]);
        Assert.False(f.IsExcluded("model.diffusion_model.middle_block.1.x", "M00"));
        Assert.False(f.IsExcluded("model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight", "IN01"));
        Assert.True(f.IsExcluded(Unet, "IN04"));
        Assert.True(f.IsExcluded(Vae, "BASE"));
    }

    [Fact]
    public void Exclude_wins_over_include()
    {
        var f = new BlockFilter(["to_k"], ["attn2"]);
        Assert.True(f.IsExcluded("x.attn2.to_k.weight", "IN01"));
        Assert.False(f.IsExcluded("x.attn2.to_v.weight", "IN01"));
    }
}
