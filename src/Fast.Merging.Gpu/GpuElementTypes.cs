using Fast.Kernels;
using Fast.Kernels.Gpu;

namespace Fast.Merging.Gpu;

/// <summary>The library's element types as the ILGPU backend names them.</summary>
internal static class GpuElementTypes
{
    public static GpuElementType Of(ElementType type) => type switch
    {
        ElementType.F16 => GpuElementType.F16,
        ElementType.BF16 => GpuElementType.BF16,
        ElementType.F32 => GpuElementType.F32,
        ElementType.F64 => GpuElementType.F64,
        ElementType.F8E4M3 => GpuElementType.F8E4M3,
        ElementType.F8E5M2 => GpuElementType.F8E5M2,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no GPU element type"),
    };
}
