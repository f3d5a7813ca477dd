namespace Fast.Merging.Doctor;

/// <summary>What a component of a checkpoint does, as <c>check</c>, <c>extract</c> and <c>fix</c> name it.</summary>
public enum ComponentRole
{
    /// <summary>The denoising UNet (<c>model.diffusion_model.</c>).</summary>
    Unet,

    /// <summary>A text encoder (CLIP-L, OpenCLIP-H or -bigG).</summary>
    TextEncoder,

    /// <summary>The autoencoder (<c>first_stage_model.</c>).</summary>
    Vae,

    /// <summary>Anything else a known architecture holds: the depth model, a ControlNet, the halves of a LoRA.</summary>
    Other,
}
