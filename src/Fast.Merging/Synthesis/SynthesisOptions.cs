using Fast.Merging.Architectures;

namespace Fast.Merging.Synthesis;

/// <summary>What checkpoint <see cref="CheckpointSynthesizer"/> should plan.</summary>
public sealed record SynthesisOptions
{
    /// <summary>The architecture; SD1, SD1 inpainting/pix2pix, SD2 (+inpainting), SDXL base and refiner, Flux.1 dev/schnell, SD3 medium and SD3.5 large are supported.</summary>
    public ArchitectureId Architecture { get; init; } = ArchitectureId.Sd1;

    /// <summary>Shrink factor of <see cref="ShapeScaling"/> (1 = real size).</summary>
    public int Scale { get; init; } = 1;

    /// <summary>The floating dtype of every float tensor: <c>F16</c>, <c>BF16</c> or <c>F32</c> (see <see cref="SyntheticDTypes"/>).</summary>
    public string DType { get; init; } = SyntheticDTypes.F16;

    /// <summary>Adds the EMA copy of the UNet and its two scalars.</summary>
    public bool IncludeEma { get; init; }

    /// <summary>Adds LDM's diffusion schedule buffers (F32 <c>[1000]</c>), which loaders accept.</summary>
    public bool IncludeSchedulerBuffers { get; init; }

    /// <summary>Adds a few leftover keys no loader uses (a LoRA alpha, a ControlNet bias, a textual-inversion vector).</summary>
    public bool IncludeJunk { get; init; }

    /// <summary>The seed of all noise values.</summary>
    public ulong Seed { get; init; }

    /// <summary>Maps the CLI names <c>sd1</c>, <c>sd1-inpaint</c>, <c>sd1-pix2pix</c>, <c>sd2</c>, <c>sd2-inpaint</c>, <c>sdxl</c>, <c>sdxl-refiner</c>.</summary>
    /// <exception cref="InvalidSynthesisOptionsException">Another name.</exception>
    public static ArchitectureId ParseArchitecture(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Trim().ToLowerInvariant() switch
        {
            "sd1" or "sd15" or "sd1.5" => ArchitectureId.Sd1,
            "sd1-inpaint" or "sd1-inpainting" => ArchitectureId.Sd1Inpainting,
            "sd1-pix2pix" or "sd1-ip2p" => ArchitectureId.Sd1InstructPix2Pix,
            "sd2" or "sd21" or "sd2.1" => ArchitectureId.Sd2,
            "sd2-inpaint" or "sd2-inpainting" => ArchitectureId.Sd2Inpainting,
            "sdxl" => ArchitectureId.Sdxl,
            "sdxl-refiner" => ArchitectureId.SdxlRefiner,
            "flux" or "flux-dev" => ArchitectureId.Flux1Dev,
            "flux-schnell" => ArchitectureId.Flux1Schnell,
            "sd3" or "sd3-medium" => ArchitectureId.Sd3Medium,
            "sd3.5" or "sd35" or "sd3.5-large" => ArchitectureId.Sd35Large,
            _ => throw new InvalidSynthesisOptionsException(
                $"Unknown architecture '{text}'; use sd1, sd1-inpaint, sd1-pix2pix, sd2, sd2-inpaint, sdxl, sdxl-refiner, flux, flux-schnell, sd3 or sd3.5."),
        };
    }
}
