using Fast.Merging.Blocks;

namespace Fast.Merging.Architectures;

/// <summary>
/// The architectures this library knows, built from the embedded key lists with the prefixes of
/// <c>shared/arch/README.md</c>.
/// </summary>
public static class ArchitectureCatalog
{
    private const string UnetPrefix = CheckpointPrefixes.DiffusionModel;
    private const string EmaUnetPrefix = KnownKeys.EmaPrefix + "diffusion_model";
    private const string VaePrefix = CheckpointPrefixes.Vae;

    private static readonly Lazy<IReadOnlyList<Architecture>> s_all = new(Build);

    /// <summary>Every known architecture, most common first. Several entries may share an <see cref="ArchitectureId"/> (LoRA with and without alphas).</summary>
    public static IReadOnlyList<Architecture> All => s_all.Value;

    /// <summary>The first architecture of that family.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is <see cref="ArchitectureId.Unknown"/>.</exception>
    public static Architecture Get(ArchitectureId id) =>
        All.FirstOrDefault(a => a.Id == id) ?? throw new ArgumentOutOfRangeException(nameof(id), id, "No architecture has that id.");

    private static IReadOnlyList<Architecture> Build()
    {
        var clipL = ComponentCatalog.Get("CLIP-v1-SD");
        var vae = ComponentCatalog.Get("VAE-v1-SD");
        var clipV2 = ComponentCatalog.Get("CLIP-v2-SD");
        var clipBigG = ComponentCatalog.Get("CLIP-XL-SD");

        // LDM's LitEma keeps a decay and an update counter beside the shadow weights.
        TensorKey[] emaScalars = [new(KnownKeys.EmaDecay, []), new(KnownKeys.EmaNumUpdates, [])];

        ComponentPlacement Required(ModelComponent c, string prefix, params string[] alternates) => new(c, prefix, alternates, false);
        ComponentPlacement Ema(ModelComponent c) => new(c, EmaUnetPrefix, [], true);
        ComponentPlacement EmaOf(string unet) => Ema(ComponentCatalog.Get(unet).DotStripped(unet + "-EMA"));

        // SD1 text encoder: transformers' CLIPTextModel under text_model., or NAI-style files that saved the
        // inner CLIPTextTransformer directly under cond_stage_model.transformer.
        ComponentPlacement Sd1Clip() => Required(clipL, "cond_stage_model.transformer.text_model.", "cond_stage_model.transformer.");

        Architecture Sd1Family(ArchitectureId id, string name, string unet, ComponentPlacement ema) =>
            new(id, name, BlockLayouts.Sd,
                [Required(ComponentCatalog.Get(unet), UnetPrefix), Sd1Clip(), Required(vae, VaePrefix), ema],
                emaScalars);

        Architecture Sd2Family(ArchitectureId id, string name, string unet, params ComponentPlacement[] extra) =>
            new(id, name, BlockLayouts.Sd,
                [Required(ComponentCatalog.Get(unet), UnetPrefix), Required(clipV2, "cond_stage_model.model."), Required(vae, VaePrefix), .. extra, EmaOf(unet)],
                emaScalars);

        Architecture Transformer(ArchitectureId id, string name, BlockLayout layout, string keyList) =>
            new(id, name, layout, [Required(ComponentCatalog.Get(keyList), UnetPrefix, string.Empty)], []);

        return
        [
            Sd1Family(ArchitectureId.Sd1, "SD1.x", "UNET-v1-SD", Ema(ComponentCatalog.Get("UNET-v1-EMA"))),
            Sd1Family(ArchitectureId.Sd1Inpainting, "SD1.x inpainting", "UNET-v1-Inpainting", EmaOf("UNET-v1-Inpainting")),
            Sd1Family(ArchitectureId.Sd1InstructPix2Pix, "SD1.x instruct-pix2pix", "UNET-v1-Pix2Pix", Ema(ComponentCatalog.Get("UNET-v1-Pix2Pix-EMA"))),
            Sd2Family(ArchitectureId.Sd2, "SD2.x", "UNET-v2-SD"),
            Sd2Family(ArchitectureId.Sd2Inpainting, "SD2.x inpainting", "UNET-v2-Inpainting"),
            Sd2Family(ArchitectureId.Sd2Depth, "SD2.x depth", "UNET-v2-Depth", Required(ComponentCatalog.Get("Depth-v2-SD"), "depth_model.model.")),
            new(ArchitectureId.Sdxl, "SDXL base", BlockLayouts.Sdxl,
                [
                    Required(ComponentCatalog.Get("UNET-XL-SD"), UnetPrefix),
                    Required(clipL, "conditioner.embedders.0.transformer.text_model."),
                    Required(clipBigG, "conditioner.embedders.1.model."),
                    Required(vae, VaePrefix),
                ],
                []),

            // The refiner's UNet has 12 input and 12 output blocks like SD1/SD2, so it takes their 26-value layout.
            new(ArchitectureId.SdxlRefiner, "SDXL refiner", BlockLayouts.Sd,
                [
                    Required(ComponentCatalog.Get("UNET-XL-Refiner"), UnetPrefix),
                    Required(clipBigG, "conditioner.embedders.0.model."),
                    Required(vae, VaePrefix),
                ],
                []),

            // Transformers: the denoiser alone (diffusion-model-only files are bare, ComfyUI checkpoints prefix it).
            Transformer(ArchitectureId.Flux1Dev, "Flux.1 dev", BlockLayouts.Flux, "Flux-Dev"),
            Transformer(ArchitectureId.Flux1Schnell, "Flux.1 schnell", BlockLayouts.Flux, "Flux-Schnell"),
            Transformer(ArchitectureId.Sd3Medium, "SD3 medium", BlockLayouts.Sd3Medium, "SD3-Medium"),
            Transformer(ArchitectureId.Sd35Large, "SD3.5 large", BlockLayouts.Sd35Large, "SD35-Large"),
            new(ArchitectureId.VaeOnly, "VAE", BlockLayouts.None, [Required(vae, string.Empty)], []),
            new(ArchitectureId.ControlNetV1, "ControlNet v1", BlockLayouts.None, [Required(ComponentCatalog.Get("ControlNet-v1-SD"), "control_model.")], []),
            new(ArchitectureId.LoRA, "LoRA (SD1)", BlockLayouts.None,
                [Required(ComponentCatalog.Get("LoRA-v1-UNET"), string.Empty), Required(ComponentCatalog.Get("LoRA-v1-CLIP"), string.Empty)], []),
            new(ArchitectureId.LoRA, "LoRA (SD1, with alphas)", BlockLayouts.None,
                [Required(ComponentCatalog.Get("LoRA-v1A-UNET"), string.Empty), Required(ComponentCatalog.Get("LoRA-v1A-CLIP"), string.Empty)], []),
        ];
    }
}
