using Fast.Merging.Architectures;

namespace Fast.Merging.Synthesis;

/// <summary>
/// Plans synthetic Stable Diffusion checkpoints with the real key names and shapes of <c>shared/arch</c>, optionally
/// shrunk by <see cref="ShapeScaling"/>, for tests and benchmarks that need whole models without downloading any.
/// </summary>
public static class CheckpointSynthesizer
{
    private static readonly ArchitectureId[] s_supported =
    [
        ArchitectureId.Sd1, ArchitectureId.Sd1Inpainting, ArchitectureId.Sd1InstructPix2Pix,
        ArchitectureId.Sd2, ArchitectureId.Sd2Inpainting, ArchitectureId.Sdxl, ArchitectureId.SdxlRefiner,
        ArchitectureId.Flux1Dev, ArchitectureId.Flux1Schnell, ArchitectureId.Sd3Medium, ArchitectureId.Sd35Large,
    ];

    /// <summary>The architectures a plan can be made for.</summary>
    public static IReadOnlyList<ArchitectureId> SupportedArchitectures => s_supported;

    /// <summary>Plans the tensors of a checkpoint.</summary>
    /// <exception cref="InvalidSynthesisOptionsException">Unsupported architecture, scale or dtype, or EMA asked for an architecture without one.</exception>
    public static SynthesisPlan Plan(SynthesisOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!s_supported.Contains(options.Architecture))
        {
            throw new InvalidSynthesisOptionsException($"Cannot synthesize architecture {options.Architecture}.");
        }

        if (!ShapeScaling.IsSupportedScale(options.Scale))
        {
            throw new InvalidSynthesisOptionsException($"Scale {options.Scale} is not supported; use a power of two from 1 to 64.");
        }

        var dtype = SyntheticDTypes.ParseFloating(options.DType);
        var architecture = ArchitectureCatalog.Get(options.Architecture);
        var tensors = new List<SynthesizedTensor>();

        foreach (var placement in architecture.Placements.Where(p => !p.IsOptional))
        {
            AddComponent(tensors, placement, dtype, options.Scale);
        }

        if (options.IncludeEma)
        {
            var ema = architecture.EmaPlacement
                ?? throw new InvalidSynthesisOptionsException($"{architecture.Name} checkpoints have no EMA weights; drop --ema.");
            AddComponent(tensors, ema, dtype, options.Scale);
            tensors.Add(new SynthesizedTensor(KnownKeys.EmaDecay, SyntheticDTypes.F32, [], SyntheticContent.EmaDecay));
            tensors.Add(new SynthesizedTensor(KnownKeys.EmaNumUpdates, SyntheticDTypes.I32, [], SyntheticContent.EmaNumUpdates));
        }

        if (options.IncludeSchedulerBuffers)
        {
            // LDM keeps these in float32 even in half-precision checkpoints.
            foreach (var name in KnownKeys.SchedulerBuffers)
            {
                tensors.Add(new SynthesizedTensor(name, SyntheticDTypes.F32, [DiffusionSchedule.Timesteps], SyntheticContent.ScheduleBuffer));
            }
        }

        if (options.IncludeJunk)
        {
            tensors.Add(new SynthesizedTensor("lora_te_text_model_encoder_layers_0_mlp_fc1.alpha", dtype, [], SyntheticContent.Noise));
            tensors.Add(new SynthesizedTensor("control_model.input_blocks.0.0.bias", dtype, ShapeScaling.ScaleShape([320], options.Scale), SyntheticContent.Noise));
            tensors.Add(new SynthesizedTensor("embedding_manager.string_to_param_dict.*", dtype, ShapeScaling.ScaleShape([1, 768], options.Scale), SyntheticContent.Noise));
        }

        return new SynthesisPlan(options with { DType = dtype }, tensors);
    }

    private static void AddComponent(List<SynthesizedTensor> tensors, ComponentPlacement placement, string dtype, int scale)
    {
        foreach (var tensor in placement.Component.Tensors)
        {
            var name = placement.Prefix + tensor.Name;
            var shape = ShapeScaling.ScaleShape(tensor.Shape, scale);
            tensors.Add(ContentOf(name, shape) switch
            {
                SyntheticContent.PositionIds => new SynthesizedTensor(name, SyntheticDTypes.I64, shape, SyntheticContent.PositionIds),
                var content => new SynthesizedTensor(name, dtype, shape, content),
            });
        }
    }

    private static SyntheticContent ContentOf(string name, long[] shape)
    {
        if (name.EndsWith("position_ids", StringComparison.Ordinal))
        {
            return SyntheticContent.PositionIds;
        }

        if (name.EndsWith("logit_scale", StringComparison.Ordinal))
        {
            return SyntheticContent.LogitScale;
        }

        // In SD every 1-D ".weight" is the scale of a group or layer norm (linear and conv weights have 2+ dims);
        // the EMA copy spells it without the dot.
        // Flux's RMSNorm scales are ".scale".
        var isWeight = name.EndsWith(".weight", StringComparison.Ordinal) || name.EndsWith(".scale", StringComparison.Ordinal) ||
            (KnownKeys.IsEma(name) && name.EndsWith("weight", StringComparison.Ordinal));
        return isWeight && shape.Length == 1 ? SyntheticContent.NormScale : SyntheticContent.Noise;
    }
}
