using Fast.Kernels;
using Fast.SafeTensors;

namespace Fast.Merging;

/// <summary>
/// Maps file dtypes to the kernels' computable element types. At the root of the library's namespaces because every
/// layer (position ids, planning, execution, the doctor) needs it.
/// </summary>
internal static class ElementTypes
{
    public static bool TryGet(DType dtype, out ElementType type)
    {
        (bool ok, type) = dtype switch
        {
            DType.F16 => (true, ElementType.F16),
            DType.BF16 => (true, ElementType.BF16),
            DType.F32 => (true, ElementType.F32),
            DType.F64 => (true, ElementType.F64),
            DType.F8_E4M3 => (true, ElementType.F8E4M3),
            DType.F8_E5M2 => (true, ElementType.F8E5M2),
            _ => (false, default),
        };
        return ok;
    }

    public static ElementType Of(DType dtype) =>
        TryGet(dtype, out ElementType type) ? type : throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a computable floating dtype");
}
