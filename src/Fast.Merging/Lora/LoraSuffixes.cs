namespace Fast.Merging.Lora;

/// <summary>What one tensor of a LoRA file is, known by how its key ends.</summary>
internal enum LoraPart
{
    Down,
    Up,
    Mid,
    Alpha,
    DoraScale,
    HadaW1A,
    HadaW1B,
    HadaW2A,
    HadaW2B,
    HadaT1,
    HadaT2,
    LokrW1,
    LokrW1A,
    LokrW1B,
    LokrW2,
    LokrW2A,
    LokrW2B,
    LokrT2,
    FullDiff,
    FullDiffBias,
    NormWeight,
    NormBias,
}

/// <summary>
/// The key endings each LoRA family writes, longest first so <c>.lora_down.weight</c> is not read as
/// a shorter ending. Sources: kohya-ss/sd-scripts networks/lora.py (lora_down/lora_up/alpha,
/// dora_scale), LyCORIS (hada_*, lokr_*, lora_mid, diff, w_norm), PEFT (lora_A/lora_B,
/// lora_magnitude_vector) and diffusers' attention-processor LoRAs (lora.down/lora.up,
/// lora_linear_layer.down/up).
/// </summary>
internal static class LoraSuffixes
{
    public static IReadOnlyList<(string Suffix, LoraPart Part, LoraFamily Family)> All { get; } =
    [
        (".lora_linear_layer.down.weight", LoraPart.Down, LoraFamily.Diffusers),
        (".lora_linear_layer.up.weight", LoraPart.Up, LoraFamily.Diffusers),
        (".lora_magnitude_vector.weight", LoraPart.DoraScale, LoraFamily.Peft),
        (".lora_A.default.weight", LoraPart.Down, LoraFamily.Peft),
        (".lora_B.default.weight", LoraPart.Up, LoraFamily.Peft),
        (".lora_magnitude_vector", LoraPart.DoraScale, LoraFamily.Peft),
        (".lora_down.weight", LoraPart.Down, LoraFamily.Kohya),
        (".lora_up.weight", LoraPart.Up, LoraFamily.Kohya),
        (".lora_mid.weight", LoraPart.Mid, LoraFamily.Kohya),
        (".lora.down.weight", LoraPart.Down, LoraFamily.Diffusers),
        (".lora.up.weight", LoraPart.Up, LoraFamily.Diffusers),
        (".lora_A.weight", LoraPart.Down, LoraFamily.Peft),
        (".lora_B.weight", LoraPart.Up, LoraFamily.Peft),
        (".dora_scale", LoraPart.DoraScale, LoraFamily.Kohya),
        (".hada_w1_a", LoraPart.HadaW1A, LoraFamily.LoHa),
        (".hada_w1_b", LoraPart.HadaW1B, LoraFamily.LoHa),
        (".hada_w2_a", LoraPart.HadaW2A, LoraFamily.LoHa),
        (".hada_w2_b", LoraPart.HadaW2B, LoraFamily.LoHa),
        (".hada_t1", LoraPart.HadaT1, LoraFamily.LoHa),
        (".hada_t2", LoraPart.HadaT2, LoraFamily.LoHa),
        (".lokr_w1_a", LoraPart.LokrW1A, LoraFamily.LoKr),
        (".lokr_w1_b", LoraPart.LokrW1B, LoraFamily.LoKr),
        (".lokr_w2_a", LoraPart.LokrW2A, LoraFamily.LoKr),
        (".lokr_w2_b", LoraPart.LokrW2B, LoraFamily.LoKr),
        (".lokr_w1", LoraPart.LokrW1, LoraFamily.LoKr),
        (".lokr_w2", LoraPart.LokrW2, LoraFamily.LoKr),
        (".lokr_t2", LoraPart.LokrT2, LoraFamily.LoKr),
        (".diff_b", LoraPart.FullDiffBias, LoraFamily.Full),
        (".diff", LoraPart.FullDiff, LoraFamily.Full),
        (".w_norm", LoraPart.NormWeight, LoraFamily.Norm),
        (".b_norm", LoraPart.NormBias, LoraFamily.Norm),
        (".alpha", LoraPart.Alpha, LoraFamily.None),
    ];

    /// <summary>Splits <paramref name="key"/> into its module name and part; false for a key no LoRA family writes.</summary>
    public static bool TrySplit(string key, out string module, out LoraPart part, out LoraFamily family)
    {
        foreach ((string suffix, LoraPart p, LoraFamily f) in All)
        {
            if (key.Length > suffix.Length && key.EndsWith(suffix, StringComparison.Ordinal))
            {
                module = key[..^suffix.Length];
                part = p;
                family = f;
                return true;
            }
        }

        module = string.Empty;
        part = default;
        family = default;
        return false;
    }
}
