using Fast.Merging.Lora;
using Fast.Merging.Lora.Bake;

namespace Fast.Merging.Tests.Lora;

/// <summary>kohya module names to checkpoint names and blocks, against hand-checked cases of supermerger's functions.</summary>
public class KohyaNamesTests
{
    [Theory]
    [InlineData("lora_unet_down_blocks_0_attentions_1_transformer_blocks_0_attn1_to_q", "diffusion_model_input_blocks_2_1_transformer_blocks_0_attn1_to_q")]
    [InlineData("lora_unet_down_blocks_2_resnets_1_conv1", "diffusion_model_input_blocks_8_0_in_layers_2")]
    [InlineData("lora_unet_down_blocks_1_resnets_0_conv_shortcut", "diffusion_model_input_blocks_4_0_skip_connection")]
    [InlineData("lora_unet_down_blocks_1_downsamplers_0_conv", "diffusion_model_input_blocks_6_0_op")]
    [InlineData("lora_unet_mid_block_attentions_0_proj_in", "diffusion_model_middle_block_1_proj_in")]
    [InlineData("lora_unet_mid_block_resnets_1_time_emb_proj", "diffusion_model_middle_block_2_emb_layers_1")]
    [InlineData("lora_unet_up_blocks_3_attentions_2_proj_out", "diffusion_model_output_blocks_11_1_proj_out")]
    [InlineData("lora_unet_up_blocks_0_resnets_2_conv2", "diffusion_model_output_blocks_2_0_out_layers_3")]
    [InlineData("lora_unet_up_blocks_0_upsamplers_0_conv", "diffusion_model_output_blocks_2_1_conv")]
    [InlineData("lora_unet_up_blocks_2_upsamplers_0_conv", "diffusion_model_output_blocks_8_2_conv")]
    [InlineData("lora_unet_conv_in", "diffusion_model_input_blocks_0_0")]
    [InlineData("lora_unet_conv_out", "diffusion_model_out_2")]
    [InlineData("lora_unet_time_embedding_linear_2", "diffusion_model_time_embed_2")]
    [InlineData("lora_te_text_model_encoder_layers_11_mlp_fc1", "transformer_text_model_encoder_layers_11_mlp_fc1")]
    public void Sd1(string module, string expected) => Assert.Equal(expected, KohyaNames.ToCheckpointName(module, isSd2: false, isSdxl: false));

    [Theory]
    [InlineData("lora_te_text_model_encoder_layers_3_self_attn_q_proj", "model_transformer_resblocks_3_attn_q_proj")]
    [InlineData("lora_te_text_model_encoder_layers_3_mlp_fc2", "model_transformer_resblocks_3_mlp_c_proj")]
    public void Sd2(string module, string expected) => Assert.Equal(expected, KohyaNames.ToCheckpointName(module, isSd2: true, isSdxl: false));

    [Theory]
    [InlineData("lora_unet_input_blocks_4_1_proj_in", "diffusion_model_input_blocks_4_1_proj_in")]
    [InlineData("lora_te1_text_model_encoder_layers_0_self_attn_k_proj", "0_transformer_text_model_encoder_layers_0_self_attn_k_proj")]
    [InlineData("lora_te2_text_model_encoder_layers_31_mlp_fc1", "1_model_transformer_resblocks_31_mlp_c_fc")]
    public void Sdxl(string module, string expected) => Assert.Equal(expected, KohyaNames.ToCheckpointName(module, isSd2: false, isSdxl: true));

    [Fact]
    public void Model_keys_index_as_keychanger_with_in_proj_thirds()
    {
        string[] keys =
        [
            "model.diffusion_model.input_blocks.1.1.proj_in.weight",
            "cond_stage_model.model.transformer.resblocks.0.attn.in_proj_weight",
            "conditioner.embedders.0.transformer.text_model.encoder.layers.0.self_attn.q_proj.weight",
        ];
        var index = new ModelKeyIndex(keys, k => k.Contains("in_proj", StringComparison.Ordinal) ? [3072, 1024] : [320, 320]);
        Assert.Equal(new ModuleTarget(keys[0], 0, null), index.Find("diffusion_model_input_blocks_1_1_proj_in"));
        Assert.Equal(new ModuleTarget(keys[1], 1024, 1024), index.Find("model_transformer_resblocks_0_attn_k_proj"));
        Assert.Equal(new ModuleTarget(keys[1], 2048, 1024), index.Find("model_transformer_resblocks_0_attn_v_proj"));
        Assert.Equal(new ModuleTarget(keys[2], 0, null), index.Find("0_transformer_text_model_encoder_layers_0_self_attn_q_proj"));
        Assert.Null(index.Find("diffusion_model_nothing"));
    }

    [Fact]
    public void Block_weights_follow_lbw()
    {
        LoraBlockWeights w = LoraInput.Parse("x.safetensors:0.5:OUTALL").Weights;
        Assert.Equal(0.5, w.RatioFor("transformer_text_model_encoder_layers_0_mlp_fc1", isSd2: false)); // BASE 1 × 0.5
        Assert.Equal(0.0, w.RatioFor("diffusion_model_input_blocks_1_1_proj_in", isSd2: false));
        Assert.Equal(0.5, w.RatioFor("diffusion_model_output_blocks_3_1_proj_in", isSd2: false));
        Assert.Equal(0.0, w.RatioFor("diffusion_model_output_blocks_2_1_conv", isSd2: false)); // OUT02 is not in the 17 blocks
        Assert.Equal(0.5, w.RatioFor("diffusion_model_out_2", isSd2: false)); // no block: the plain strength (documented deviation)
        Assert.Equal(0.5, w.RatioFor("1_model_transformer_resblocks_3_attn_q_proj", isSd2: false)); // transformer_resblocks → BASE
    }

    [Fact]
    public void Explicit_lists_are_taken_as_given_and_expanded_to_26()
    {
        LoraBlockWeights w = LoraInput.Parse("x:0.5:0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1,1.1,1.2,1.3,1.4,1.5,1.6,1.7").Weights;
        Assert.Equal(0.1, w.Ratios[0]);   // BASE, not scaled by 0.5 (supermerger)
        Assert.Equal(0.0, w.Ratios[1]);   // IN00 absent from the 17-value list
        Assert.Equal(0.2, w.Ratios[2]);   // IN01
        Assert.Equal(1.7, w.Ratios[25]);  // OUT11
        Assert.Equal(1.0, LoraInput.Parse("x").Weights.Strength);
    }

    [Theory]
    [InlineData("x:abc")]
    [InlineData("x:1:NOPE")]
    [InlineData("x:1:1,2,3")]
    [InlineData("x:1:1,2,z,4,5,6,7,8,9,10,11,12")]
    [InlineData(":1")]
    public void Bad_specs_are_user_errors(string spec) => Assert.Throws<LoraException>(() => LoraInput.Parse(spec));
}
