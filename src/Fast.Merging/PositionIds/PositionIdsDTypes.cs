using Fast.SafeTensors;

namespace Fast.Merging.PositionIds;

/// <summary>Which stored dtypes of a position-ids tensor can be read as values (floating types and the integers).</summary>
internal static class PositionIdsDTypes
{
    public static bool CanRead(DType dtype) =>
        ElementTypes.TryGet(dtype, out _) || dtype is DType.I8 or DType.U8 or DType.I16 or DType.U16 or DType.I32 or DType.U32 or DType.I64;
}
