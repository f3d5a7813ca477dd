namespace Fast.Merging.Synthesis;

/// <summary>The dtype names a synthesized checkpoint uses.</summary>
public static class SyntheticDTypes
{
    /// <summary>IEEE half precision.</summary>
    public const string F16 = "F16";

    /// <summary>bfloat16.</summary>
    public const string BF16 = "BF16";

    /// <summary>IEEE single precision.</summary>
    public const string F32 = "F32";

    /// <summary>64-bit signed integer (position ids).</summary>
    public const string I64 = "I64";

    /// <summary>32-bit signed integer (EMA update counter).</summary>
    public const string I32 = "I32";

    /// <summary>Bytes per element.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not one of the names above.</exception>
    public static int SizeOf(string dtype) => dtype switch
    {
        F16 or BF16 => 2,
        F32 or I32 => 4,
        I64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Synthesized tensors are F16, BF16, F32, I32 or I64."),
    };

    /// <summary>
    /// Maps <c>fp16|f16|float16</c>, <c>bf16|bfloat16</c>, <c>fp32|f32|float32</c> (any case) to the safetensors name of a
    /// floating dtype a checkpoint can be synthesized in.
    /// </summary>
    /// <exception cref="InvalidSynthesisOptionsException">Another name.</exception>
    public static string ParseFloating(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Trim().ToUpperInvariant() switch
        {
            "F16" or "FP16" or "FLOAT16" or "HALF" => F16,
            "BF16" or "BFLOAT16" => BF16,
            "F32" or "FP32" or "FLOAT32" or "FLOAT" => F32,
            _ => throw new InvalidSynthesisOptionsException($"Unknown dtype '{text}'; use fp16, bf16 or fp32."),
        };
    }
}
