using System.Globalization;
using Fast.SafeTensors;

namespace Fast.Bench.SafeTensors;

/// <summary>
/// The tensors of an SDXL base checkpoint, from shared/arch (UNet, both text encoders, VAE under
/// their checkpoint prefixes), in fp16 like a typical download. Falls back to synthetic names of the
/// same count and length when the key lists are not on this machine.
/// </summary>
internal static class SdxlKeys
{
    private static readonly (string File, string Prefix)[] s_components =
    [
        ("UNET-XL-SD.txt", "model.diffusion_model."),
        ("CLIP-v1-SD.txt", "conditioner.embedders.0.transformer.text_model."),
        ("CLIP-XL-SD.txt", "conditioner.embedders.1.model."),
        ("VAE-v1-SD.txt", "first_stage_model."),
    ];

    public static List<TensorSpec> Load()
    {
        string? arch = FindArchDirectory();
        var specs = new List<TensorSpec>();
        if (arch is null)
        {
            for (int i = 0; i < 2515; i++)
            {
                specs.Add(new TensorSpec($"model.diffusion_model.output_blocks.{i % 9}.{i}.transformer_blocks.0.attn1.to_q.weight", DType.F16, [640, 640]));
            }

            return specs;
        }

        foreach ((string file, string prefix) in s_components)
        {
            foreach (string line in File.ReadLines(Path.Combine(arch, file)))
            {
                int space = line.LastIndexOf(' ');
                if (space <= 0)
                {
                    continue;
                }

                string dims = line[(space + 1)..].Trim('[', ']');
                long[] shape = dims.Length == 0 ? [] : dims.Split(',').Select(d => long.Parse(d, CultureInfo.InvariantCulture)).ToArray();
                DType dtype = line.Contains("position_ids", StringComparison.Ordinal) ? DType.I64 : DType.F16;
                specs.Add(new TensorSpec(prefix + line[..space], dtype, shape));
            }
        }

        return specs;
    }

    private static string? FindArchDirectory()
    {
        foreach (string candidate in new[] { "/work/shared/arch", Path.Combine(AppContext.BaseDirectory, "shared", "arch") })
        {
            if (File.Exists(Path.Combine(candidate, "UNET-XL-SD.txt")))
            {
                return candidate;
            }
        }

        return null;
    }
}
