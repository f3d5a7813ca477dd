namespace Fast.Merging.Lora.Bake;

/// <summary>
/// PEFT/diffusers module names (<c>unet.down_blocks.0.attentions.1.proj_in</c>,
/// <c>text_encoder.text_model.encoder.layers.0.self_attn.q_proj</c>) as the kohya-ss names they stand for: kohya names
/// are the same diffusers module paths with a <c>lora_unet_</c>/<c>lora_te_</c>/<c>lora_te2_</c> root and underscores
/// for dots (sd-scripts <c>networks/lora.py</c> <c>lora_name = prefix + "." + name</c>, dots replaced), so the
/// supermerger key map (<see cref="KohyaNames"/>) then finds the checkpoint weight.
/// </summary>
internal static class PeftNames
{
    // Longest root first: text_encoder_2. before text_encoder.; PEFT's own wrapper roots are dropped.
    private static readonly (string Root, string Kohya)[] s_roots =
    [
        ("base_model.model.unet.", "lora_unet_"),
        ("base_model.model.text_encoder_2.", "lora_te2_"),
        ("base_model.model.text_encoder.", "lora_te_"),
        ("unet.", "lora_unet_"),
        ("text_encoder_2.", "lora_te2_"),
        ("text_encoder.", "lora_te_"),
    ];

    /// <summary>The kohya name of a PEFT module, or the name unchanged when no known root starts it (it then matches no weight).</summary>
    /// <param name="module">The PEFT module path, without its <c>.lora_A.weight</c> ending.</param>
    /// <param name="isSdxl">SDXL: kohya calls the first text encoder <c>lora_te1_</c>.</param>
    public static string ToKohya(string module, bool isSdxl)
    {
        foreach ((string root, string kohya) in s_roots)
        {
            if (module.StartsWith(root, StringComparison.Ordinal))
            {
                string prefix = isSdxl && kohya == "lora_te_" ? "lora_te1_" : kohya;
                return prefix + module[root.Length..].Replace('.', '_');
            }
        }

        return module;
    }
}
