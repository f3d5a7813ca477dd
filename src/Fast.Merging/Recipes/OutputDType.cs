using System.Text.Json.Serialization;

namespace Fast.Merging.Recipes;

/// <summary>The dtype floating tensors are written in (SPEC §8); integer tensors never change.</summary>
public enum OutputDType
{
    /// <summary>Each tensor keeps A's dtype.</summary>
    [JsonStringEnumMemberName("keep")]
    Keep,

    /// <summary>IEEE half.</summary>
    [JsonStringEnumMemberName("fp16")]
    Fp16,

    /// <summary>bfloat16.</summary>
    [JsonStringEnumMemberName("bf16")]
    Bf16,

    /// <summary>IEEE single.</summary>
    [JsonStringEnumMemberName("fp32")]
    Fp32,

    /// <summary>float8 e4m3fn, saturating.</summary>
    [JsonStringEnumMemberName("fp8_e4m3")]
    Fp8E4M3,

    /// <summary>float8 e5m2, saturating.</summary>
    [JsonStringEnumMemberName("fp8_e5m2")]
    Fp8E5M2,
}
