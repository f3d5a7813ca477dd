using Fast.Merging.Architectures;
using Fast.Merging.Blocks;
using Fast.Merging.Synthesis;

namespace Fast.Merging.Tests.Architectures;

public class ArchitectureRecognizerTests
{
    private static List<TensorKey> Keys(ArchitectureId id, int scale, bool ema = false, bool scheduler = false, bool junk = false) =>
        CheckpointSynthesizer.Plan(new SynthesisOptions
        {
            Architecture = id, Scale = scale, IncludeEma = ema, IncludeSchedulerBuffers = scheduler, IncludeJunk = junk,
        }).Tensors.Select(t => t.Key).ToList();

    [Theory]
    [InlineData(ArchitectureId.Sd1, 1)]
    [InlineData(ArchitectureId.Sd1, 8)]
    [InlineData(ArchitectureId.Sd1Inpainting, 8)]
    [InlineData(ArchitectureId.Sd1InstructPix2Pix, 16)]
    [InlineData(ArchitectureId.Sd2, 8)]
    [InlineData(ArchitectureId.Sd2Inpainting, 4)]
    [InlineData(ArchitectureId.Sdxl, 1)]
    [InlineData(ArchitectureId.Sdxl, 16)]
    [InlineData(ArchitectureId.SdxlRefiner, 8)]
    public void Synthesized_checkpoints_are_recognised_completely(ArchitectureId id, int scale)
    {
        var result = ArchitectureRecognizer.Recognize(Keys(id, scale));
        Assert.Equal(id, result.Id);
        Assert.Equal(scale, result.Scale);
        Assert.Empty(result.MissingRequiredKeys);
        Assert.Empty(result.UnknownKeys);
        Assert.All(result.Components.Where(c => !c.Placement.IsOptional), c => Assert.True(c.IsComplete, c.ComponentName));
        Assert.False(result.HasEma);
    }

    [Fact]
    public void Block_layouts_follow_the_family()
    {
        Assert.Equal(BlockLayouts.Sd, ArchitectureRecognizer.Recognize(Keys(ArchitectureId.Sd1, 8)).BlockLayout);
        Assert.Equal(BlockLayouts.Sdxl, ArchitectureRecognizer.Recognize(Keys(ArchitectureId.Sdxl, 8)).BlockLayout);
        Assert.Equal(BlockLayouts.None, ArchitectureRecognizer.Recognize([new TensorKey("foo", [3])]).BlockLayout);
    }

    [Fact]
    public void Nai_style_clip_prefix_is_accepted()
    {
        var keys = Keys(ArchitectureId.Sd1, 8)
            .Select(k => k with { Name = k.Name.Replace("cond_stage_model.transformer.text_model.", "cond_stage_model.transformer.", StringComparison.Ordinal) })
            .ToList();
        var result = ArchitectureRecognizer.Recognize(keys);
        Assert.Equal(ArchitectureId.Sd1, result.Id);
        Assert.Equal("cond_stage_model.transformer.", result.Components.Single(c => c.ComponentName == "CLIP-v1-SD").Prefix);
        Assert.Empty(result.MissingRequiredKeys);
        Assert.Empty(result.UnknownKeys);
    }

    [Fact]
    public void Ema_scheduler_and_junk_keys_are_told_apart()
    {
        var result = ArchitectureRecognizer.Recognize(Keys(ArchitectureId.Sd1, 8, ema: true, scheduler: true, junk: true));
        Assert.Equal(ArchitectureId.Sd1, result.Id);
        Assert.True(result.HasEma);
        Assert.Equal(686 + 2, result.EmaKeys.Count);
        Assert.Contains("model_ema.diffusion_modelinput_blocks00weight", result.EmaKeys);
        Assert.Contains(KnownKeys.EmaDecay, result.EmaKeys);
        Assert.True(result.Components.Single(c => c.Placement.IsOptional).IsComplete);
        Assert.Equal(KnownKeys.SchedulerBuffers, result.SchedulerKeys);
        Assert.Equal(
            ["lora_te_text_model_encoder_layers_0_mlp_fc1.alpha", "control_model.input_blocks.0.0.bias", "embedding_manager.string_to_param_dict.*"],
            result.UnknownKeys);
    }

    [Fact]
    public void Pruned_checkpoint_reports_no_missing_ema()
    {
        var result = ArchitectureRecognizer.Recognize(Keys(ArchitectureId.Sd1, 8));
        var ema = result.Components.Single(c => c.Placement.IsOptional);
        Assert.False(ema.IsPresent);
        Assert.Empty(ema.MissingKeys);
    }

    [Fact]
    public void Missing_keys_and_wrong_shapes_are_reported_per_component()
    {
        var keys = Keys(ArchitectureId.Sd1, 8);
        keys.RemoveAll(k => k.Name == "first_stage_model.decoder.conv_out.bias");
        var i = keys.FindIndex(k => k.Name == "model.diffusion_model.out.0.weight");
        keys[i] = keys[i] with { Shape = [41] };
        var result = ArchitectureRecognizer.Recognize(keys);
        Assert.Equal(ArchitectureId.Sd1, result.Id);
        Assert.Equal(["first_stage_model.decoder.conv_out.bias"], result.MissingRequiredKeys);
        var unet = result.Components.Single(c => c.ComponentName == "UNET-v1-SD");
        var mismatch = Assert.Single(unet.ShapeMismatches);
        Assert.Equal("model.diffusion_model.out.0.weight", mismatch.Key);
        Assert.Equal([40L], mismatch.Expected);
        Assert.Equal([41L], mismatch.Actual);
    }

    [Fact]
    public void Unet_only_file_is_sd1_with_clip_and_vae_missing()
    {
        var keys = Keys(ArchitectureId.Sd1, 8).Where(k => k.Name.StartsWith("model.diffusion_model.", StringComparison.Ordinal)).ToList();
        var result = ArchitectureRecognizer.Recognize(keys);
        Assert.Equal(ArchitectureId.Sd1, result.Id);
        Assert.Equal(197 + 248, result.MissingRequiredKeys.Count());
    }

    [Fact]
    public void Standalone_vae_controlnet_and_lora_are_recognised()
    {
        var vae = ComponentCatalog.Get("VAE-v1-SD").Tensors.Select(t => new TensorKey(t.Name, t.Shape)).ToList();
        Assert.Equal(ArchitectureId.VaeOnly, ArchitectureRecognizer.Recognize(vae).Id);

        var control = ComponentCatalog.Get("ControlNet-v1-SD").Tensors.Select(t => new TensorKey("control_model." + t.Name, t.Shape)).ToList();
        Assert.Equal(ArchitectureId.ControlNetV1, ArchitectureRecognizer.Recognize(control).Id);

        // A LoRA has a free rank: -1 in the key list matches any size.
        var lora = ComponentCatalog.Get("LoRA-v1A-UNET").Tensors.Concat(ComponentCatalog.Get("LoRA-v1A-CLIP").Tensors)
            .Select(t => new TensorKey(t.Name, t.Shape.Select(d => d == -1 ? 16L : d).ToArray())).ToList();
        var result = ArchitectureRecognizer.Recognize(lora);
        Assert.Equal(ArchitectureId.LoRA, result.Id);
        Assert.Equal("LoRA (SD1, with alphas)", result.Architecture!.Name);
        Assert.Empty(result.UnknownKeys);
    }

    [Fact]
    public void Unrelated_keys_are_unknown()
    {
        var result = ArchitectureRecognizer.Recognize([new TensorKey("transformer.h.0.attn.weight", [768, 768]), new TensorKey("alphas_cumprod", [1000])]);
        Assert.Equal(ArchitectureId.Unknown, result.Id);
        Assert.Null(result.Architecture);
        Assert.Equal(["transformer.h.0.attn.weight"], result.UnknownKeys);
        Assert.Equal(["alphas_cumprod"], result.SchedulerKeys);
    }

    [Fact]
    public void A_few_unet_names_do_not_make_a_model()
    {
        var keys = Keys(ArchitectureId.Sd1, 8).Where(k => k.Name.Contains("input_blocks.1.", StringComparison.Ordinal)).ToList();
        Assert.Equal(ArchitectureId.Unknown, ArchitectureRecognizer.Recognize(keys).Id);
    }
}
