using Fast.Merging.Architectures;
using Fast.Merging.Blocks;

namespace Fast.Merging.Tests.Blocks;

public class BlockMapperTests
{
    [Theory]
    [InlineData("model.diffusion_model.time_embed.0.weight", "IN00")]
    [InlineData("model.diffusion_model.out.2.weight", "OUT11")]
    [InlineData("model.diffusion_model.input_blocks.0.0.weight", "IN00")]
    [InlineData("model.diffusion_model.input_blocks.11.0.out_layers.3.weight", "IN11")]
    [InlineData("model.diffusion_model.middle_block.1.proj_in.weight", "M00")]
    [InlineData("model.diffusion_model.output_blocks.3.0.skip_connection.weight", "OUT03")]
    [InlineData("model.diffusion_model.output_blocks.11.1.transformer_blocks.0.attn1.to_out.0.weight", "OUT11")]
    [InlineData("cond_stage_model.transformer.text_model.encoder.layers.0.mlp.fc1.weight", "BASE")]
    [InlineData("first_stage_model.decoder.up.0.block.0.conv1.weight", "BASE")]
    [InlineData("model.diffusion_model.input_blocks.12.0.weight", "BASE")]
    public void Sd_keys_map_first_match_wins(string key, string block) => Assert.Equal(block, BlockMapper.BlockOf(key, BlockLayouts.Sd));

    [Theory]
    [InlineData("conditioner.embedders.1.model.transformer.resblocks.0.attn.out_proj.weight", "BASE")]
    [InlineData("first_stage_model.encoder.conv_in.weight", "BASE")]
    [InlineData("model.diffusion_model.time_embed.2.bias", "IN00")]
    [InlineData("model.diffusion_model.label_emb.0.0.weight", "IN00")]
    [InlineData("model.diffusion_model.out.0.weight", "OUT08")]
    [InlineData("model.diffusion_model.input_blocks.4.1.transformer_blocks.1.attn2.to_k.weight", "IN04")]
    [InlineData("model.diffusion_model.middle_block.1.transformer_blocks.9.ff.net.2.weight", "M00")]
    [InlineData("model.diffusion_model.output_blocks.8.0.out_layers.3.bias", "OUT08")]
    public void Sdxl_keys_map_per_spec(string key, string block) => Assert.Equal(block, BlockMapper.BlockOf(key, BlockLayouts.Sdxl));

    [Fact]
    public void Every_block_of_sd1_and_sdxl_gets_keys()
    {
        foreach (var (id, layout) in new[] { (ArchitectureId.Sd1, BlockLayouts.Sd), (ArchitectureId.Sdxl, BlockLayouts.Sdxl) })
        {
            var blocks = ArchitectureCatalog.Get(id).RequiredKeys.Select(k => BlockMapper.BlockOf(k.Name, layout)).ToHashSet();
            Assert.Equal(BlockIds.For(layout).ToHashSet(), blocks);
        }
    }

    [Fact]
    public void Text_encoder_and_vae_never_hit_a_unet_block()
    {
        var sd1 = ArchitectureCatalog.Get(ArchitectureId.Sd1).RequiredKeys.Where(k => !k.Name.StartsWith("model.", StringComparison.Ordinal));
        Assert.All(sd1, k => Assert.Equal("BASE", BlockMapper.BlockOf(k.Name, BlockLayouts.Sd)));
        var sd2 = ArchitectureCatalog.Get(ArchitectureId.Sd2).RequiredKeys.Where(k => !k.Name.StartsWith("model.", StringComparison.Ordinal));
        Assert.All(sd2, k => Assert.Equal("BASE", BlockMapper.BlockOf(k.Name, BlockLayouts.Sd)));
    }

    [Fact]
    public void Layout_none_is_all_base() => Assert.Equal("BASE", BlockMapper.BlockOf("model.diffusion_model.input_blocks.1.0.weight", BlockLayouts.None));
}
