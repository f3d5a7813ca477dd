using System.Buffers.Binary;
using Fast.Merging.Architectures;
using Fast.Merging.Synthesis;

namespace Fast.Merging.Tests.Synthesis;

public class CheckpointSynthesizerTests
{
    [Fact]
    public void Sd1_full_scale_plan_matches_the_real_checkpoint()
    {
        var plan = CheckpointSynthesizer.Plan(new SynthesisOptions { Architecture = ArchitectureId.Sd1 });
        Assert.Equal(1131, plan.Tensors.Count);
        Assert.Equal(1_066_235_384, plan.TotalElements);
        Assert.Equal((1_066_235_384 - 77) * 2 + 77 * 8, plan.TotalBytes);
        var ids = plan.Tensors.Single(t => t.Content == SyntheticContent.PositionIds);
        Assert.Equal("cond_stage_model.transformer.text_model.embeddings.position_ids", ids.Name);
        Assert.Equal("I64", ids.DType);
        Assert.Equal([1L, 77], ids.Shape);
    }

    [Fact]
    public void Sdxl_full_scale_plan_matches_the_real_checkpoint()
    {
        var plan = CheckpointSynthesizer.Plan(new SynthesisOptions { Architecture = ArchitectureId.Sdxl });
        Assert.Equal(2515, plan.Tensors.Count);
        Assert.Equal(3_468_837_945, plan.TotalElements);
        Assert.Equal(6.46, plan.TotalBytes / (double)(1L << 30), 2);
    }

    [Fact]
    public void Extras_add_exactly_their_keys()
    {
        var plan = CheckpointSynthesizer.Plan(new SynthesisOptions
        {
            Architecture = ArchitectureId.Sd1, Scale = 8, IncludeEma = true, IncludeSchedulerBuffers = true, IncludeJunk = true, DType = "fp32",
        });
        Assert.Equal(1131 + 686 + 2 + 13 + 3, plan.Tensors.Count);
        Assert.Equal(plan.Tensors.Count, plan.Tensors.Select(t => t.Name).Distinct().Count());
        Assert.Equal("I32", plan.Tensors.Single(t => t.Name == KnownKeys.EmaNumUpdates).DType);
        Assert.All(plan.Tensors.Where(t => t.Content == SyntheticContent.Noise), t => Assert.Equal("F32", t.DType));
        Assert.Throws<InvalidSynthesisOptionsException>(() =>
            CheckpointSynthesizer.Plan(new SynthesisOptions { Architecture = ArchitectureId.Sdxl, IncludeEma = true }));
    }

    [Theory]
    [InlineData("sd1", ArchitectureId.Sd1)]
    [InlineData("SD1-inpaint", ArchitectureId.Sd1Inpainting)]
    [InlineData("sd2", ArchitectureId.Sd2)]
    [InlineData("sdxl", ArchitectureId.Sdxl)]
    [InlineData("flux", ArchitectureId.Flux1Dev)]
    [InlineData("flux-schnell", ArchitectureId.Flux1Schnell)]
    [InlineData("sd3", ArchitectureId.Sd3Medium)]
    [InlineData("sd3.5", ArchitectureId.Sd35Large)]
    public void Cli_architecture_names_parse(string text, ArchitectureId id) => Assert.Equal(id, SynthesisOptions.ParseArchitecture(text));

    [Fact]
    public void Bad_options_are_typed_errors()
    {
        Assert.Throws<InvalidSynthesisOptionsException>(() => SynthesisOptions.ParseArchitecture("sd4"));
        Assert.Throws<InvalidSynthesisOptionsException>(() => CheckpointSynthesizer.Plan(new SynthesisOptions { Scale = 3 }));
        Assert.Throws<InvalidSynthesisOptionsException>(() => CheckpointSynthesizer.Plan(new SynthesisOptions { DType = "int8" }));
        Assert.Throws<InvalidSynthesisOptionsException>(() => CheckpointSynthesizer.Plan(new SynthesisOptions { Architecture = ArchitectureId.LoRA }));
    }

    [Fact]
    public void Inpainting_keeps_nine_input_channels_at_any_scale()
    {
        var plan = CheckpointSynthesizer.Plan(new SynthesisOptions { Architecture = ArchitectureId.Sd1Inpainting, Scale = 64 });
        Assert.Equal([5L, 9, 3, 3], plan.Tensors.Single(t => t.Name == "model.diffusion_model.input_blocks.0.0.weight").Shape);
    }
}
