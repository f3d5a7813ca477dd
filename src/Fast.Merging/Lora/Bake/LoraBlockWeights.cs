using System.Globalization;

namespace Fast.Merging.Lora.Bake;

/// <summary>
/// supermerger's LoRA block weights (<c>scripts/mergers/pluslora.py</c>: <c>BLOCKID12/17/20/26</c>, <c>to26</c>,
/// <c>LBLCOKS26</c>, <c>lbw</c>): a strength per block, found for a module by substring matches on its converted
/// checkpoint name, the last match winning; the text encoders take BASE.
/// </summary>
/// <remarks>
/// One deliberate deviation: a module that matches no block (SD1's <c>conv_out</c>, <c>time_embed</c>) takes the
/// LoRA's plain strength here; supermerger's <c>lbw</c> leaves it at 1, ignoring the strength the user gave.
/// </remarks>
public sealed class LoraBlockWeights
{
    private static readonly string[] s_ids26 =
        ["BASE", "IN00", "IN01", "IN02", "IN03", "IN04", "IN05", "IN06", "IN07", "IN08", "IN09", "IN10", "IN11", "M00",
         "OUT00", "OUT01", "OUT02", "OUT03", "OUT04", "OUT05", "OUT06", "OUT07", "OUT08", "OUT09", "OUT10", "OUT11"];

    private static readonly string[] s_ids17 = ["BASE", "IN01", "IN02", "IN04", "IN05", "IN07", "IN08", "M00", "OUT03", "OUT04", "OUT05", "OUT06", "OUT07", "OUT08", "OUT09", "OUT10", "OUT11"];
    private static readonly string[] s_ids12 = ["BASE", "IN04", "IN05", "IN07", "IN08", "M00", "OUT00", "OUT01", "OUT02", "OUT03", "OUT04", "OUT05"];
    private static readonly string[] s_ids20 = ["BASE", "IN00", "IN01", "IN02", "IN03", "IN04", "IN05", "IN06", "IN07", "IN08", "M00", "OUT00", "OUT01", "OUT02", "OUT03", "OUT04", "OUT05", "OUT06", "OUT07", "OUT08"];

    // LBLCOKS26 with its two extra text-encoder entries (indices 26, 27 count as BASE in lbw).
    private static readonly string[] s_blockMarkers = BuildMarkers();

    // supermerger's built-in presets (LWEIGHTSPRESETS, used when no lbwpresets.txt is installed): 17 values each.
    private static readonly Dictionary<string, string> s_presets = new(StringComparer.Ordinal)
    {
        ["NONE"] = "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0",
        ["ALL"] = "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1",
        ["INS"] = "1,1,1,1,0,0,0,0,0,0,0,0,0,0,0,0,0",
        ["IND"] = "1,0,0,0,1,1,1,0,0,0,0,0,0,0,0,0,0",
        ["INALL"] = "1,1,1,1,1,1,1,0,0,0,0,0,0,0,0,0,0",
        ["MIDD"] = "1,0,0,0,1,1,1,1,1,1,1,1,0,0,0,0,0",
        ["OUTD"] = "1,0,0,0,0,0,0,0,1,1,1,1,0,0,0,0,0",
        ["OUTS"] = "1,0,0,0,0,0,0,0,0,0,0,0,1,1,1,1,1",
        ["OUTALL"] = "1,0,0,0,0,0,0,0,1,1,1,1,1,1,1,1,1",
        ["ALL0.5"] = "0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5",
    };

    private readonly double[] _ratios;

    private LoraBlockWeights(double strength, double[] ratios)
    {
        Strength = strength;
        _ratios = ratios;
    }

    /// <summary>The LoRA's overall strength (the number after the file name).</summary>
    public double Strength { get; }

    /// <summary>The 26 per-block strengths, BASE first (all equal to <see cref="Strength"/> without a block list).</summary>
    public IReadOnlyList<double> Ratios => _ratios;

    /// <summary>The names of the built-in presets.</summary>
    public static IEnumerable<string> PresetNames => s_presets.Keys;

    /// <summary>One strength for every block.</summary>
    public static LoraBlockWeights Uniform(double strength) => new(strength, Enumerable.Repeat(strength, 26).ToArray());

    /// <summary>
    /// A strength with an optional block list, as supermerger reads <c>name:strength:PRESET</c> and
    /// <c>name:strength:v1,v2,…</c>: a preset is scaled by the strength; an explicit 12/17/20/26-value list is
    /// taken as it is (supermerger does not scale it). Missing blocks of a short list are 0, as <c>to26</c> leaves them.
    /// </summary>
    /// <exception cref="LoraException">The strength is not a number, the preset is unknown or the list has another length.</exception>
    public static LoraBlockWeights Parse(double strength, string? blocks)
    {
        if (!double.IsFinite(strength))
        {
            throw new LoraException($"LoRA strength must be a finite number, got {strength.ToString(CultureInfo.InvariantCulture)}");
        }

        if (string.IsNullOrWhiteSpace(blocks))
        {
            return Uniform(strength);
        }

        string text = blocks.Trim();
        if (s_presets.TryGetValue(text, out string? preset))
        {
            return new LoraBlockWeights(strength, To26(ParseList(preset).Select(v => v * strength).ToArray()));
        }

        if (!text.Contains(',', StringComparison.Ordinal))
        {
            throw new LoraException($"unknown LoRA block-weight preset '{text}'; use one of {string.Join(", ", s_presets.Keys)} or a list of 12, 17, 20 or 26 values");
        }

        return new LoraBlockWeights(strength, To26(ParseList(text)));
    }

    /// <summary>The strength of a module by its converted checkpoint name (<see cref="KohyaNames.ToCheckpointName"/>).</summary>
    public double RatioFor(string checkpointName, bool isSd2)
    {
        int found = -1;
        for (int i = 0; i < s_blockMarkers.Length; i++)
        {
            string marker = i == 0 && isSd2 ? "resblocks" : s_blockMarkers[i];
            if (checkpointName.Contains(marker, StringComparison.Ordinal))
            {
                found = i >= 26 ? 0 : i;
            }
        }

        return found < 0 ? Strength : _ratios[found];
    }

    private static double[] To26(double[] values)
    {
        if (values.Length == 26)
        {
            return values;
        }

        string[] ids = values.Length switch
        {
            12 => s_ids12,
            17 => s_ids17,
            20 => s_ids20,
            _ => throw new LoraException($"a LoRA block-weight list needs 12, 17, 20 or 26 values, got {values.Length}"),
        };
        double[] output = new double[26];
        for (int i = 0; i < ids.Length; i++)
        {
            output[Array.IndexOf(s_ids26, ids[i])] = values[i];
        }

        return output;
    }

    private static double[] ParseList(string text) => text.Split(',').Select(v =>
        double.TryParse(v.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && double.IsFinite(x)
            ? x
            : throw new LoraException($"LoRA block weight '{v.Trim()}' is not a number")).ToArray();

    private static string[] BuildMarkers()
    {
        var markers = new List<string> { "encoder" };
        for (int i = 0; i < 12; i++)
        {
            markers.Add(string.Create(CultureInfo.InvariantCulture, $"diffusion_model_input_blocks_{i}_"));
        }

        markers.Add("diffusion_model_middle_block_");
        for (int i = 0; i < 12; i++)
        {
            markers.Add(string.Create(CultureInfo.InvariantCulture, $"diffusion_model_output_blocks_{i}_"));
        }

        markers.Add("embedders");
        markers.Add("transformer_resblocks");
        return [.. markers];
    }
}
