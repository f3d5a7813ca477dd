using Fast.Merging.Architectures;

namespace Fast.Merging.Tests.Architectures;

public class ComponentCatalogTests
{
    [Fact]
    public void All_key_lists_are_embedded_and_parsed()
    {
        Assert.Equal(25, ComponentCatalog.All.Count);
        Assert.Equal(686, ComponentCatalog.Get("UNET-v1-SD").Tensors.Count);
        Assert.Equal(197, ComponentCatalog.Get("CLIP-v1-SD").Tensors.Count);
        Assert.Equal(248, ComponentCatalog.Get("VAE-v1-SD").Tensors.Count);
        Assert.Equal(1680, ComponentCatalog.Get("UNET-XL-SD").Tensors.Count);
        Assert.Equal(390, ComponentCatalog.Get("CLIP-XL-SD").Tensors.Count);
        Assert.Equal(780, ComponentCatalog.Get("Flux-Dev").Tensors.Count); // sd-mecha flux-flux.yaml's diffuser
        Assert.Equal(491, ComponentCatalog.Get("SD3-Medium").Tensors.Count); // sd-mecha sd3-comfyui.yaml's diffuser
    }

    [Fact]
    public void Shapes_are_parsed_including_scalars_and_free_ranks()
    {
        Assert.True(ComponentCatalog.Get("UNET-v1-Inpainting").TryGetTensor("input_blocks.0.0.weight", out var convIn));
        Assert.Equal([320L, 9, 3, 3], convIn.Shape);
        Assert.True(ComponentCatalog.Get("CLIP-XL-SD").TryGetTensor("logit_scale", out var logit));
        Assert.Empty(logit.Shape);
        Assert.Equal(1, logit.ElementCount);
        var lora = ComponentCatalog.Get("LoRA-v1-UNET");
        Assert.Null(lora.ParameterCount);
        Assert.Contains(lora.Tensors, t => t.Shape.Contains(ComponentTensor.AnySize));
    }

    [Fact]
    public void Ema_list_is_the_dot_stripped_unet()
    {
        var unet = ComponentCatalog.Get("UNET-v1-SD").Tensors.Select(t => (t.Name.Replace(".", ""), string.Join(",", t.Shape)));
        var ema = ComponentCatalog.Get("UNET-v1-EMA").Tensors.Select(t => (t.Name, string.Join(",", t.Shape)));
        Assert.Equal(unet.OrderBy(x => x, Comparer<(string, string)>.Default), ema.OrderBy(x => x, Comparer<(string, string)>.Default));
    }

    [Fact]
    public void Malformed_line_is_reported_with_its_number()
    {
        var ex = Assert.Throws<FormatException>(() => ComponentCatalog.Parse("X", new StringReader("a [1]\n\nb 1,2\n")));
        Assert.Contains("line 3", ex.Message);
    }
}
