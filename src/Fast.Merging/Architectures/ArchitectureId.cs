namespace Fast.Merging.Architectures;

/// <summary>The model families this library recognises.</summary>
public enum ArchitectureId
{
    /// <summary>Not recognised: merged with one global α/β.</summary>
    Unknown,

    /// <summary>Stable Diffusion 1.x (also NAI-style files with the CLIP under <c>cond_stage_model.transformer.</c>).</summary>
    Sd1,

    /// <summary>SD1.x inpainting: <c>conv_in</c> takes 9 channels.</summary>
    Sd1Inpainting,

    /// <summary>SD1.x instruct-pix2pix: <c>conv_in</c> takes 8 channels.</summary>
    Sd1InstructPix2Pix,

    /// <summary>Stable Diffusion 2.x with the OpenCLIP text encoder.</summary>
    Sd2,

    /// <summary>SD2.x inpainting: <c>conv_in</c> takes 9 channels.</summary>
    Sd2Inpainting,

    /// <summary>SD2.x depth-to-image: <c>conv_in</c> takes 5 channels, plus the MiDaS depth model.</summary>
    Sd2Depth,

    /// <summary>SDXL base: UNet, CLIP-L and OpenCLIP-bigG.</summary>
    Sdxl,

    /// <summary>SDXL refiner: 384-channel UNet and OpenCLIP-bigG only.</summary>
    SdxlRefiner,

    /// <summary>A standalone VAE file (keys without prefix).</summary>
    VaeOnly,

    /// <summary>A ControlNet v1 model (<c>control_model.</c>).</summary>
    ControlNetV1,

    /// <summary>A kohya-style LoRA for SD1 (<c>lora_unet_*</c>, <c>lora_te_*</c>).</summary>
    LoRA,

    /// <summary>Flux.1 dev: the guidance-distilled 12B rectified-flow transformer (<c>double_blocks</c>, <c>single_blocks</c>, <c>guidance_in</c>).</summary>
    Flux1Dev,

    /// <summary>Flux.1 schnell: Flux.1 without the guidance embedder.</summary>
    Flux1Schnell,

    /// <summary>SD3 medium: the MMDiT with 24 joint blocks.</summary>
    Sd3Medium,

    /// <summary>SD3.5 large: the MMDiT with 38 joint blocks and QK normalisation.</summary>
    Sd35Large,
}
