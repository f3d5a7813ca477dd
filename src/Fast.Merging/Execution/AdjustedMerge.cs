using Fast.Kernels;
using Fast.Merging.Methods;
using Fast.Merging.Planning;
using Fast.Merging.Randomness;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Merging.Execution;

/// <summary>
/// supermerger's Adjust step on one merged tensor: the reference holds the merged key in some dtype, then multiplies it
/// by a Python float (stored in that dtype, product in f32, stored again) or adds a float32 tensor of offsets (the sum
/// promotes to f32). The merge is run into a capture buffer in that dtype, adjusted, then converted to the output dtype.
/// </summary>
internal static class AdjustedMerge
{
    /// <summary>
    /// The dtype the reference holds a merged key in before its Adjust step: f32 after trainDifference and smoothAdd
    /// (A + an f32 tensor), B's after weighted sum at α = 1 (it takes B's tensor), A's otherwise (every other path casts
    /// back to A's dtype or changes A in place).
    /// </summary>
    public static DType StoredDType(MergeRecipe recipe, PlannedTensor t, SafeTensorsFile a, SafeTensorsFile b)
    {
        if (recipe.CalcMode is CalcMode.TrainDifference or CalcMode.SmoothAdd)
        {
            return DType.F32;
        }

        if (recipe.CalcMode == CalcMode.Normal && recipe.Mode == MergeMode.WeightSum && t.Alpha == 1)
        {
            return b[t.Name].DType;
        }

        return a[t.Name].DType;
    }

    /// <summary>The adjusted tensor in the output dtype, from the merged one stored as <paramref name="stored"/>.</summary>
    public static byte[] Apply(ReadOnlySpan<byte> merged, DType stored, TensorAdjustment adjust, DType output)
    {
        ElementType type = ElementTypes.Of(stored);
        var values = new float[merged.Length / ElementTypeInfo.SizeOf(type)];
        ElementConvert.Widen(merged, type, values);
        if (adjust.Factor is double factor)
        {
            float f = TorchRandn.Round((float)factor, type);
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = TorchRandn.Round(values[i] * f, type);
            }
        }
        else
        {
            IReadOnlyList<double> offsets = adjust.Offsets!;
            for (int i = 0; i < values.Length; i++)
            {
                values[i] += (float)offsets[i]; // torch.tensor(list) is float32; the sum promotes to f32
            }
        }

        ElementType outputType = ElementTypes.Of(output);
        var bytes = new byte[values.Length * ElementTypeInfo.SizeOf(outputType)];
        ElementConvert.Narrow(values, bytes, outputType);
        return bytes;
    }

    /// <summary>True when the reference skips the key before its Adjust step: trainDifference where B equals C keeps A.</summary>
    public static bool KeptBeforeAdjust(MergeRecipe recipe, Operands operands) =>
        recipe.CalcMode == CalcMode.TrainDifference && Reductions.AllEqual(operands.B, operands.TypeB, operands.C, operands.TypeC);

    /// <summary>Collects one tensor's output bytes in memory.</summary>
    internal sealed class CaptureSink(long length) : IMergeSink
    {
        public byte[] Bytes { get; } = new byte[length];

        public void Write(PlannedTensor tensor, long byteOffset, ReadOnlySpan<byte> data) => data.CopyTo(Bytes.AsSpan((int)byteOffset));

        public void Complete()
        {
        }

        public void Dispose()
        {
        }
    }
}
