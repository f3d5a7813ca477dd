namespace Fast.Kernels;

/// <summary>Floating-point storage formats the kernels read and write. Arithmetic always runs in binary32.</summary>
public enum ElementType
{
    /// <summary>IEEE 754 binary16 (safetensors <c>F16</c>).</summary>
    F16,

    /// <summary>bfloat16: the top 16 bits of a binary32 (safetensors <c>BF16</c>).</summary>
    BF16,

    /// <summary>IEEE 754 binary32 (safetensors <c>F32</c>).</summary>
    F32,

    /// <summary>IEEE 754 binary64 (safetensors <c>F64</c>); widened by rounding to nearest binary32.</summary>
    F64,

    /// <summary>fp8 e4m3fn: bias 7, no infinities, NaN is 0x7F/0xFF, largest finite 448 (safetensors <c>F8_E4M3</c>).</summary>
    F8E4M3,

    /// <summary>fp8 e5m2: bias 15, IEEE-like with infinities, largest finite 57344 (safetensors <c>F8_E5M2</c>).</summary>
    F8E5M2,
}

/// <summary>Sizes of the <see cref="ElementType"/> formats.</summary>
public static class ElementTypeInfo
{
    /// <summary>Bytes one element of <paramref name="type"/> occupies.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="ElementType"/>.</exception>
    public static int SizeOf(ElementType type) => type switch
    {
        ElementType.F16 or ElementType.BF16 => 2,
        ElementType.F32 => 4,
        ElementType.F64 => 8,
        ElementType.F8E4M3 or ElementType.F8E5M2 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown element type."),
    };
}
