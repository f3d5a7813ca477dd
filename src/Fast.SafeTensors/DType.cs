namespace Fast.SafeTensors;

/// <summary>
/// Element types a safetensors file can declare. Each name is spelled exactly as the
/// <c>dtype</c> string in the file's JSON header.
/// </summary>
#pragma warning disable CA1707 // The underscores are part of the on-disk names (F8_E4M3, ...).
#pragma warning disable CA1720 // Names mirror the format, not .NET type names.
public enum DType
{
    /// <summary>Boolean, one byte per element.</summary>
    BOOL,
    /// <summary>Unsigned 8-bit integer.</summary>
    U8,
    /// <summary>Signed 8-bit integer.</summary>
    I8,
    /// <summary>Signed 16-bit integer.</summary>
    I16,
    /// <summary>Unsigned 16-bit integer.</summary>
    U16,
    /// <summary>Signed 32-bit integer.</summary>
    I32,
    /// <summary>Unsigned 32-bit integer.</summary>
    U32,
    /// <summary>Signed 64-bit integer.</summary>
    I64,
    /// <summary>Unsigned 64-bit integer.</summary>
    U64,
    /// <summary>IEEE 754 binary16.</summary>
    F16,
    /// <summary>bfloat16: the upper half of a binary32.</summary>
    BF16,
    /// <summary>IEEE 754 binary32.</summary>
    F32,
    /// <summary>IEEE 754 binary64.</summary>
    F64,
    /// <summary>8-bit float, 4 exponent and 3 mantissa bits, finite-only (e4m3fn).</summary>
    F8_E4M3,
    /// <summary>8-bit float, 5 exponent and 2 mantissa bits.</summary>
    F8_E5M2,
    /// <summary>Complex number made of two binary32 values (8 bytes).</summary>
    C64,
    /// <summary>4-bit float (e2m1); two elements per byte.</summary>
    F4,
    /// <summary>6-bit float, 2 exponent and 3 mantissa bits.</summary>
    F6_E2M3,
    /// <summary>6-bit float, 3 exponent and 2 mantissa bits.</summary>
    F6_E3M2,
    /// <summary>8-bit exponent-only scale type (e8m0).</summary>
    F8_E8M0,
    /// <summary>8-bit float e4m3, finite, no negative zero (fnuz).</summary>
    F8_E4M3FNUZ,
    /// <summary>8-bit float e5m2, finite, no negative zero (fnuz).</summary>
    F8_E5M2FNUZ,
}
