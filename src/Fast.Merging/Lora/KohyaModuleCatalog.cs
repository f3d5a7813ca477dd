using System.Globalization;
using Fast.Merging.Lora.Bake;

namespace Fast.Merging.Lora;

/// <summary>A kohya module a LoRA can hold for a model, and where it lands.</summary>
/// <param name="Name">kohya name (<c>lora_unet_…</c>, <c>lora_te_…</c>).</param>
/// <param name="Target">The model tensor and rows.</param>
/// <param name="IsTextEncoder">Whether it belongs to a text encoder.</param>
/// <param name="IsConvBlock">A ResNet/sampler module, which kohya only trains (and extracts) with a conv dim.</param>
internal sealed record CatalogModule(string Name, ModuleTarget Target, bool IsTextEncoder, bool IsConvBlock);

/// <summary>
/// The modules kohya-ss <c>networks/lora.py</c> creates for a model: the text encoders' attention and MLP linears,
/// the UNet's transformer blocks (attention, feed-forward, proj_in/out) and, with a conv dim, its ResNet blocks and
/// samplers. SD1/SD2 get diffusers names (<c>lora_unet_down_blocks_0_attentions_0_…</c>), SDXL the checkpoint names
/// its training scripts use (<c>lora_unet_input_blocks_4_1_…</c>); each is kept only when it maps onto a weight of
/// the model through the same name conversion bake uses.
/// </summary>
internal static class KohyaModuleCatalog
{
    private static readonly string[] s_attention =
    [
        "proj_in", "proj_out", "transformer_blocks_0_ff_net_0_proj", "transformer_blocks_0_ff_net_2",
        "transformer_blocks_0_attn1_to_q", "transformer_blocks_0_attn1_to_k", "transformer_blocks_0_attn1_to_v", "transformer_blocks_0_attn1_to_out_0",
        "transformer_blocks_0_attn2_to_q", "transformer_blocks_0_attn2_to_k", "transformer_blocks_0_attn2_to_v", "transformer_blocks_0_attn2_to_out_0",
    ];

    private static readonly string[] s_resnet = ["conv1", "conv2", "time_emb_proj", "conv_shortcut"];
    private static readonly string[] s_textParts = ["self_attn_q_proj", "self_attn_k_proj", "self_attn_v_proj", "self_attn_out_proj", "mlp_fc1", "mlp_fc2"];

    public static IReadOnlyList<CatalogModule> For(IReadOnlyCollection<string> modelKeys, Func<string, IReadOnlyList<long>?> shapeOf, bool isSd2, bool isSdxl)
    {
        var index = new ModelKeyIndex(modelKeys, shapeOf);
        var found = new List<CatalogModule>();
        var seen = new HashSet<(string, long)>();
        foreach ((string name, bool conv) in isSdxl ? SdxlUnet(modelKeys, shapeOf) : Sd1Unet())
        {
            Add(name, textEncoder: false, conv);
        }

        string[] prefixes = isSdxl ? ["lora_te1", "lora_te2"] : ["lora_te"];
        foreach (string prefix in prefixes)
        {
            for (int layer = 0; layer < 48; layer++)
            {
                foreach (string part in s_textParts)
                {
                    Add(string.Create(CultureInfo.InvariantCulture, $"{prefix}_text_model_encoder_layers_{layer}_{part}"), textEncoder: true, conv: false);
                }
            }
        }

        return found;

        void Add(string name, bool textEncoder, bool conv)
        {
            if (index.Find(KohyaNames.ToCheckpointName(name, isSd2, isSdxl)) is { } target
                && shapeOf(target.Key) is { Count: 2 or 4 }
                && seen.Add((target.Key, target.RowOffset)))
            {
                found.Add(new CatalogModule(name, target, textEncoder, conv));
            }
        }
    }

    private static IEnumerable<(string Name, bool Conv)> Sd1Unet()
    {
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 2; j++)
            {
                foreach (string s in s_attention)
                {
                    yield return (Invariant($"lora_unet_down_blocks_{i}_attentions_{j}_{s}"), false);
                }

                foreach (string s in s_resnet)
                {
                    yield return (Invariant($"lora_unet_down_blocks_{i}_resnets_{j}_{s}"), true);
                }
            }

            for (int j = 0; j < 3; j++)
            {
                foreach (string s in s_attention)
                {
                    yield return (Invariant($"lora_unet_up_blocks_{i}_attentions_{j}_{s}"), false);
                }

                foreach (string s in s_resnet)
                {
                    yield return (Invariant($"lora_unet_up_blocks_{i}_resnets_{j}_{s}"), true);
                }
            }

            yield return (Invariant($"lora_unet_down_blocks_{i}_downsamplers_0_conv"), true);
            yield return (Invariant($"lora_unet_up_blocks_{i}_upsamplers_0_conv"), true);
        }

        foreach (string s in s_attention)
        {
            yield return ($"lora_unet_mid_block_attentions_0_{s}", false);
        }

        for (int j = 0; j < 2; j++)
        {
            foreach (string s in s_resnet)
            {
                yield return (Invariant($"lora_unet_mid_block_resnets_{j}_{s}"), true);
            }
        }
    }

    // SDXL: every UNet weight inside input/middle/output blocks, named as its key; transformer parts are the default
    // modules, ResNet and sampler parts (in_layers.2, out_layers.3, emb_layers.1, skip_connection, op, conv) conv modules.
    private static IEnumerable<(string Name, bool Conv)> SdxlUnet(IReadOnlyCollection<string> keys, Func<string, IReadOnlyList<long>?> shapeOf)
    {
        const string Prefix = "model.diffusion_model.";
        foreach (string key in keys)
        {
            if (!key.StartsWith(Prefix, StringComparison.Ordinal) || !key.EndsWith(".weight", StringComparison.Ordinal) || shapeOf(key) is not { Count: 2 or 4 })
            {
                continue;
            }

            string path = key[Prefix.Length..^".weight".Length];
            if (!(path.StartsWith("input_blocks.", StringComparison.Ordinal) || path.StartsWith("middle_block.", StringComparison.Ordinal) || path.StartsWith("output_blocks.", StringComparison.Ordinal))
                || path == "input_blocks.0.0")
            {
                continue;
            }

            bool transformer = path.Contains(".transformer_blocks.", StringComparison.Ordinal) || path.EndsWith(".proj_in", StringComparison.Ordinal) || path.EndsWith(".proj_out", StringComparison.Ordinal);
            yield return ("lora_unet_" + path.Replace('.', '_'), !transformer);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
