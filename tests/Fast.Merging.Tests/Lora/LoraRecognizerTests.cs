using Fast.Merging.Lora;

namespace Fast.Merging.Tests.Lora;

public class LoraRecognizerTests
{
    private static TensorKey K(string name, params long[] shape) => new(name, shape);

    [Fact]
    public void KohyaLoraWithLoConAndAlphaOnSd1()
    {
        LoraSummary s = LoraRecognizer.Recognize(
        [
            K("lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q.lora_down.weight", 32, 320),
            K("lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q.lora_up.weight", 320, 32),
            K("lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q.alpha"),
            K("lora_unet_down_blocks_0_resnets_0_conv1.lora_down.weight", 16, 320, 3, 3),
            K("lora_unet_down_blocks_0_resnets_0_conv1.lora_up.weight", 320, 16, 1, 1),
            K("lora_unet_down_blocks_0_resnets_0_conv1.alpha"),
            K("lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight", 32, 768),
            K("lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_up.weight", 768, 32),
            K("lora_te_text_model_encoder_layers_0_self_attn_q_proj.dora_scale", 768, 1),
        ])!;
        Assert.Equal(3, s.ModuleCount);
        Assert.Equal(3, s.Modules[LoraFamily.Kohya]);
        Assert.Equal(2, s.Targets["unet"]);
        Assert.Equal(1, s.Targets["text encoder"]);
        Assert.Equal(2, s.Ranks[32]);
        Assert.Equal(1, s.Ranks[16]);
        Assert.Equal(1, s.ConvModules);
        Assert.Equal(2, s.WithAlpha);
        Assert.Equal(1, s.WithDora);
        Assert.Empty(s.Incomplete);
    }

    [Fact]
    public void SdxlTextEncodersAreTold()
    {
        LoraSummary s = LoraRecognizer.Recognize(
        [
            K("lora_te1_text_model_encoder_layers_0_mlp_fc1.lora_down.weight", 8, 768),
            K("lora_te1_text_model_encoder_layers_0_mlp_fc1.lora_up.weight", 3072, 8),
            K("lora_te2_text_model_encoder_layers_0_mlp_fc1.lora_down.weight", 8, 1280),
            K("lora_te2_text_model_encoder_layers_0_mlp_fc1.lora_up.weight", 5120, 8),
        ])!;
        Assert.Equal(1, s.Targets["text encoder 1"]);
        Assert.Equal(1, s.Targets["text encoder 2"]);
    }

    [Fact]
    public void PeftAndDiffusersNaming()
    {
        LoraSummary s = LoraRecognizer.Recognize(
        [
            K("unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.lora_A.weight", 4, 320),
            K("unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.lora_B.weight", 320, 4),
            K("text_encoder.text_model.encoder.layers.0.self_attn.k_proj.lora_linear_layer.down.weight", 4, 768),
            K("text_encoder.text_model.encoder.layers.0.self_attn.k_proj.lora_linear_layer.up.weight", 768, 4),
        ])!;
        Assert.Equal(1, s.Modules[LoraFamily.Peft]);
        Assert.Equal(1, s.Modules[LoraFamily.Diffusers]);
        Assert.Equal(2, s.Ranks[4]);
    }

    [Fact]
    public void LoHaAndLoKr()
    {
        LoraSummary s = LoraRecognizer.Recognize(
        [
            K("lora_unet_mid_block_attentions_0_proj_in.hada_w1_a", 1280, 8),
            K("lora_unet_mid_block_attentions_0_proj_in.hada_w1_b", 8, 1280),
            K("lora_unet_mid_block_attentions_0_proj_in.hada_w2_a", 1280, 8),
            K("lora_unet_mid_block_attentions_0_proj_in.hada_w2_b", 8, 1280),
            K("lora_unet_mid_block_attentions_0_proj_in.alpha"),
            K("lora_unet_mid_block_attentions_0_proj_out.lokr_w1", 8, 8),
            K("lora_unet_mid_block_attentions_0_proj_out.lokr_w2_a", 160, 4),
            K("lora_unet_mid_block_attentions_0_proj_out.lokr_w2_b", 4, 160),
        ])!;
        Assert.Equal(1, s.Modules[LoraFamily.LoHa]);
        Assert.Equal(1, s.Modules[LoraFamily.LoKr]);
        Assert.Equal(1, s.Ranks[8]);
        Assert.Equal(1, s.Ranks[4]);
        Assert.Empty(s.Incomplete);
    }

    [Fact]
    public void HalfAModuleIsReportedIncomplete()
    {
        LoraSummary s = LoraRecognizer.Recognize(
        [
            K("lora_unet_conv_in.lora_down.weight", 4, 4, 3, 3),
            K("lora_unet_conv_out.alpha"),
        ])!;
        Assert.Equal(["lora_unet_conv_in", "lora_unet_conv_out"], s.Incomplete);
    }

    [Fact]
    public void ACheckpointIsNotALora() =>
        Assert.Null(LoraRecognizer.Recognize([K("model.diffusion_model.input_blocks.0.0.weight", 320, 4, 3, 3), K("first_stage_model.encoder.conv_in.bias", 128)]));
}
