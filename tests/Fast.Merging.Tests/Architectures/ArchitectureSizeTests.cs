using Fast.Merging.Architectures;

namespace Fast.Merging.Tests.Architectures;

/// <summary>
/// The sizes shared/arch/README.md states. A real SD1.5 checkpoint without EMA is exactly UNet 686 + CLIP-L 197
/// (including embeddings.position_ids [1,77]) + VAE 248 = 1131 tensors; scheduler buffers and model_ema keys are
/// not part of that count. SDXL is UNet 1680 + CLIP-L 197 + bigG 390 (including logit_scale [] and
/// text_projection) + VAE 248 = 2515.
/// </summary>
public class ArchitectureSizeTests
{
    private static long Parameters(Architecture a) => a.RequiredKeys.Sum(k => k.Shape.Aggregate(1L, (p, d) => p * d));

    [Fact]
    public void Sd1_has_1131_tensors_and_1066M_parameters()
    {
        var sd1 = ArchitectureCatalog.Get(ArchitectureId.Sd1);
        Assert.Equal(1131, sd1.RequiredKeys.Count());
        Assert.Equal(1_066_235_384, Parameters(sd1));
        Assert.Contains(sd1.RequiredKeys, k => k.Name == "cond_stage_model.transformer.text_model.embeddings.position_ids");
        Assert.DoesNotContain(sd1.RequiredKeys, k => KnownKeys.IsSchedulerBuffer(k.Name) || KnownKeys.IsEma(k.Name));
        // 1.99 GiB in fp16 (position ids are int64 but only 77 of them)
        Assert.Equal(1.99, (Parameters(sd1) - 77) * 2.0 / (1 << 30) + 77 * 8.0 / (1 << 30), 2);
    }

    [Fact]
    public void Sdxl_has_2515_tensors_and_3469M_parameters()
    {
        var xl = ArchitectureCatalog.Get(ArchitectureId.Sdxl);
        Assert.Equal(2515, xl.RequiredKeys.Count());
        Assert.Equal(3_468_837_945, Parameters(xl));
        Assert.Equal(6.46, Parameters(xl) * 2.0 / (1 << 30), 2);
        Assert.Contains(xl.RequiredKeys, k => k.Name == "conditioner.embedders.1.model.logit_scale" && k.Shape.Count == 0);
    }

    [Fact]
    public void Every_architecture_has_unique_full_keys()
    {
        foreach (var a in ArchitectureCatalog.All)
        {
            var names = a.Placements.SelectMany(p => p.Component.Tensors.Select(t => p.Prefix + t.Name)).ToList();
            Assert.Equal(names.Count, names.Distinct().Count());
        }
    }

    [Theory]
    [InlineData(320, 8, 40)]
    [InlineData(960, 8, 120)]
    [InlineData(49408, 8, 6176)]
    [InlineData(77, 8, 77)]
    [InlineData(9, 64, 9)]
    [InlineData(3, 2, 3)]
    [InlineData(1000, 4, 1000)]
    public void Scaling_divides_only_multiples_of_64(long dim, int scale, long expected) =>
        Assert.Equal(expected, ShapeScaling.ScaleDimension(dim, scale));

    [Fact]
    public void Scaling_keeps_skip_concatenation_consistent()
    {
        foreach (var scale in ShapeScaling.SupportedScales)
        {
            Assert.Equal(ShapeScaling.ScaleDimension(960, scale), ShapeScaling.ScaleDimension(320, scale) + ShapeScaling.ScaleDimension(640, scale));
            Assert.Equal(ShapeScaling.ScaleDimension(10240, scale), 2 * ShapeScaling.ScaleDimension(5120, scale));
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => ShapeScaling.ScaleDimension(320, 3));
        Assert.False(ShapeScaling.IsSupportedScale(128));
    }
}
