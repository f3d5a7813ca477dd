using Fast.Merging.Architectures;
using Fast.Merging.Doctor;
using Fast.Merging.Synthesis;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Doctor;

public sealed class ArchitectureReportTests
{
    [Theory]
    [InlineData(ArchitectureId.Sd1Inpainting, new[] { "unet", "text_encoder", "vae" })]
    [InlineData(ArchitectureId.Sd1InstructPix2Pix, new[] { "unet", "text_encoder", "vae" })]
    [InlineData(ArchitectureId.Sd2, new[] { "unet", "text_encoder", "vae" })]
    [InlineData(ArchitectureId.Sdxl, new[] { "unet", "text_encoder", "text_encoder_2", "vae" })]
    [InlineData(ArchitectureId.SdxlRefiner, new[] { "unet", "text_encoder", "vae" })]
    public void Synthesized_checkpoints_are_recognised_with_their_components_and_healthy(ArchitectureId id, string[] labels)
    {
        using var dir = new TempDir();
        SynthesisPlan plan = CheckpointSynthesizer.Plan(new SynthesisOptions { Architecture = id, Scale = 64 });
        string path = TestCheckpoint.Write(dir.File("model.safetensors"), plan.Tensors.Select(t => Materialize(plan, t)));

        CheckReport report = ModelChecker.Check(path);
        Assert.Equal(id, report.Recognition.Id);
        Assert.Equal(labels, report.Components.Select(c => c.Label));
        Assert.All(report.Components, c => Assert.True(c.Component.Match.IsComplete, c.Label));
        Assert.All(report.Components, c => Assert.NotNull(c.ContentHash));
        Assert.True(report.IsHealthy, string.Join("; ", report.Problems.Select(p => p.Message)));
    }

    [Fact]
    public void ControlNet_and_LoRA_files_are_recognised()
    {
        using var dir = new TempDir();
        var controlNet = FromKeyList("ControlNet-v1-SD", "control_model.");
        CheckReport cn = ModelChecker.Check(TestCheckpoint.Write(dir.File("cn.safetensors"), controlNet));
        Assert.Equal(ArchitectureId.ControlNetV1, cn.Recognition.Id);
        Assert.Equal("controlnet", Assert.Single(cn.Components).Label);
        Assert.True(cn.IsHealthy, string.Join("; ", cn.Problems.Select(p => p.Message)));

        var lora = FromKeyList("LoRA-v1-UNET", string.Empty).Concat(FromKeyList("LoRA-v1-CLIP", string.Empty));
        CheckReport lr = ModelChecker.Check(TestCheckpoint.Write(dir.File("lora.safetensors"), lora));
        Assert.Equal(ArchitectureId.LoRA, lr.Recognition.Id);
        Assert.Equal(["lora_unet", "lora_te"], lr.Components.Select(c => c.Label));
        Assert.True(lr.IsHealthy, string.Join("; ", lr.Problems.Select(p => p.Message)));
    }

    [Fact]
    public void Random_keys_are_an_unknown_architecture()
    {
        using var dir = new TempDir();
        CheckReport report = ModelChecker.Check(TestCheckpoint.Write(dir.File("x.safetensors"), [new TestTensor("weight", DType.F32, [2], new byte[8])]));
        Assert.Equal(ArchitectureId.Unknown, report.Recognition.Id);
        Assert.Empty(report.Components);
        Assert.Equal(CheckProblemKind.UnknownArchitecture, Assert.Single(report.Problems).Kind);
    }

    private static TestTensor Materialize(SynthesisPlan plan, SynthesizedTensor t)
    {
        var data = new byte[t.ByteSize];
        plan.Fill(t, 0, data);
        Assert.True(DTypeInfo.TryParse(t.DType, out DType dtype));
        return new TestTensor(t.Name, dtype, [.. t.Shape], data);
    }

    // Full-scale shapes, rank-4 for the LoRA's free dimension; zero-filled, as only names and shapes matter here.
    private static List<TestTensor> FromKeyList(string list, string prefix) =>
        ComponentCatalog.Get(list).Tensors.Select(t =>
        {
            long[] shape = [.. t.Shape.Select(d => d == ComponentTensor.AnySize ? 4 : ShapeScaling.ScaleDimension(d, 64))];
            long count = shape.Aggregate(1L, (a, d) => a * d);
            return new TestTensor(prefix + t.Name, DType.F16, shape, new byte[count * 2]);
        }).ToList();
}
