using Fast.Kernels;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Merging.Planning;

/// <summary>Maps file dtypes to the kernels' computable element types and the recipe's output dtype.</summary>
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

    /// <summary>The output dtype of a tensor stored as <paramref name="source"/> in A (SPEC §8).</summary>
    public static DType Output(DType source, OutputDType requested) =>
        !TryGet(source, out _) ? source : requested switch
        {
            OutputDType.Keep => source,
            OutputDType.Fp16 => DType.F16,
            OutputDType.Bf16 => DType.BF16,
            OutputDType.Fp32 => DType.F32,
            OutputDType.Fp8E4M3 => DType.F8_E4M3,
            OutputDType.Fp8E5M2 => DType.F8_E5M2,
            _ => source,
        };
}
