using System.Globalization;
using System.Text.RegularExpressions;

namespace Fast.Merging.Lora;

/// <summary>
/// kohya-ss module names (<c>lora_unet_down_blocks_0_attentions_1_proj_in</c>) as the underscored checkpoint names
/// supermerger and AUTOMATIC1111 look them up by (<c>diffusion_model_input_blocks_2_1_proj_in</c>).
/// </summary>
/// <remarks>
/// A transcription of supermerger <c>scripts/mergers/pluslora.py</c> <c>convert_diffusers_name_to_compvis</c>
/// (itself A1111's <c>extensions-builtin/Lora/networks.py</c>) for SD1/SD2/SDXL, followed by the SDXL renames of
/// <c>newpluslora</c> (<c>lora_unet</c> → <c>diffusion_model</c>, <c>lora_te1_text_model</c> →
/// <c>0_transformer_text_model</c>). Regexes are anchored at the start only, as Python's <c>re.match</c>.
/// </remarks>
internal static partial class KohyaNames
{
    private static readonly Dictionary<string, string> s_resnetSuffixes = new(StringComparer.Ordinal)
    {
        ["conv1"] = "in_layers_2",
        ["conv2"] = "out_layers_3",
        ["norm1"] = "in_layers_0",
        ["norm2"] = "out_layers_0",
        ["time_emb_proj"] = "emb_layers_1",
        ["conv_shortcut"] = "skip_connection",
    };

    /// <summary>The underscored checkpoint name of a kohya module (no <c>.lora_down.weight</c> suffix).</summary>
    public static string ToCheckpointName(string module, bool isSd2, bool isSdxl)
    {
        string name = Convert(module, isSd2);
        if (isSdxl)
        {
            if (name.Contains("lora_unet", StringComparison.Ordinal))
            {
                name = name.Replace("lora_unet", "diffusion_model", StringComparison.Ordinal);
            }
            else if (name.Contains("lora_te1_text_model", StringComparison.Ordinal))
            {
                name = name.Replace("lora_te1_text_model", "0_transformer_text_model", StringComparison.Ordinal);
            }
        }

        return name;
    }

    private static string Convert(string key, bool isSd2)
    {
        Match m;
        if ((m = ConvIn().Match(key)).Success)
        {
            return $"diffusion_model_input_blocks_0_0{m.Groups[1].Value}";
        }

        if ((m = ConvOut().Match(key)).Success)
        {
            return $"diffusion_model_out_2{m.Groups[1].Value}";
        }

        if ((m = TimeEmbedding().Match(key)).Success)
        {
            return Invariant($"diffusion_model_time_embed_{(Int(m, 1) * 2) - 2}{m.Groups[2].Value}");
        }

        if ((m = DownBlock().Match(key)).Success)
        {
            string suffix = Suffix(m.Groups[2].Value, m.Groups[4].Value);
            return Invariant($"diffusion_model_input_blocks_{1 + (Int(m, 1) * 3) + Int(m, 3)}_{(m.Groups[2].Value == "attentions" ? 1 : 0)}_{suffix}");
        }

        if ((m = MidBlock().Match(key)).Success)
        {
            string suffix = Suffix(m.Groups[1].Value, m.Groups[3].Value);
            return Invariant($"diffusion_model_middle_block_{(m.Groups[1].Value == "attentions" ? 1 : Int(m, 2) * 2)}_{suffix}");
        }

        if ((m = UpBlock().Match(key)).Success)
        {
            string suffix = Suffix(m.Groups[2].Value, m.Groups[4].Value);
            return Invariant($"diffusion_model_output_blocks_{(Int(m, 1) * 3) + Int(m, 3)}_{(m.Groups[2].Value == "attentions" ? 1 : 0)}_{suffix}");
        }

        if ((m = Downsampler().Match(key)).Success)
        {
            return Invariant($"diffusion_model_input_blocks_{3 + (Int(m, 1) * 3)}_0_op");
        }

        if ((m = Upsampler().Match(key)).Success)
        {
            int block = Int(m, 1);
            return Invariant($"diffusion_model_output_blocks_{2 + (block * 3)}_{(block > 0 ? 2 : 1)}_conv");
        }

        if ((m = TextEncoder().Match(key)).Success)
        {
            string rest = m.Groups[2].Value;
            if (!isSd2)
            {
                return Invariant($"transformer_text_model_encoder_layers_{Int(m, 1)}_{rest}");
            }

            return Invariant($"model_transformer_resblocks_{Int(m, 1)}_{OpenClipSuffix(rest)}");
        }

        if ((m = TextEncoder2().Match(key)).Success)
        {
            return Invariant($"1_model_transformer_resblocks_{Int(m, 1)}_{OpenClipSuffix(m.Groups[2].Value)}");
        }

        return key;
    }

    // Python replaces only the first branch that matches: fc1, else fc2, else self_attn.
    private static string OpenClipSuffix(string rest) =>
        rest.Contains("mlp_fc1", StringComparison.Ordinal) ? rest.Replace("mlp_fc1", "mlp_c_fc", StringComparison.Ordinal)
        : rest.Contains("mlp_fc2", StringComparison.Ordinal) ? rest.Replace("mlp_fc2", "mlp_c_proj", StringComparison.Ordinal)
        : rest.Replace("self_attn", "attn", StringComparison.Ordinal);

    private static string Suffix(string kind, string name) =>
        kind == "resnets" && s_resnetSuffixes.TryGetValue(name, out string? converted) ? converted : name;

    // Python formats the int of a digit string: "01" becomes 1 (re_digits matches at the start of a group).
    private static int Int(Match m, int group) => int.Parse(m.Groups[group].Value, NumberStyles.None, CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\Alora_unet_conv_in(.*)", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex ConvIn();

    [GeneratedRegex(@"\Alora_unet_conv_out(.*)", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex ConvOut();

    [GeneratedRegex(@"\Alora_unet_time_embedding_linear_([0-9]+)(.*)", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex TimeEmbedding();

    [GeneratedRegex(@"\Alora_unet_down_blocks_([0-9]+)_(attentions|resnets)_([0-9]+)_(.+)", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex DownBlock();

    [GeneratedRegex(@"\Alora_unet_mid_block_(attentions|resnets)_([0-9]+)_(.+)", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex MidBlock();

    [GeneratedRegex(@"\Alora_unet_up_blocks_([0-9]+)_(attentions|resnets)_([0-9]+)_(.+)", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex UpBlock();

    [GeneratedRegex(@"\Alora_unet_down_blocks_([0-9]+)_downsamplers_0_conv", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Downsampler();

    [GeneratedRegex(@"\Alora_unet_up_blocks_([0-9]+)_upsamplers_0_conv", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Upsampler();

    [GeneratedRegex(@"\Alora_te_text_model_encoder_layers_([0-9]+)_(.+)", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex TextEncoder();

    [GeneratedRegex(@"\Alora_te2_text_model_encoder_layers_([0-9]+)_(.+)", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex TextEncoder2();
}
