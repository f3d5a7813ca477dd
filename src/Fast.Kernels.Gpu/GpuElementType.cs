namespace Fast.Kernels.Gpu;

/// <summary>Stored element types the GPU backend widens to f32 and narrows back to.</summary>
public enum GpuElementType
{
    /// <summary>IEEE binary32 (safetensors <c>F32</c>).</summary>
    F32 = 0,

    /// <summary>IEEE binary16 (safetensors <c>F16</c>).</summary>
    F16 = 1,

    /// <summary>bfloat16 (safetensors <c>BF16</c>).</summary>
    BF16 = 2,

    /// <summary>IEEE binary64 (safetensors <c>F64</c>); widened by rounding to nearest f32.</summary>
    F64 = 3,

    /// <summary>fp8 e4m3fn (safetensors <c>F8_E4M3</c>): no infinities; narrowing saturates to ±448.</summary>
    F8E4M3 = 4,

    /// <summary>fp8 e5m2 (safetensors <c>F8_E5M2</c>): narrowing saturates finite values to ±57344.</summary>
    F8E5M2 = 5,
}
