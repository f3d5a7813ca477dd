using Fast.Kernels;
using Fast.Merging.Planning;
using Fast.SafeTensors;

namespace Fast.Merging.Lora.Bake;

/// <summary>Reads LoRA tensors widened to binary32 (LoRA files hold fp16, bf16 or fp32).</summary>
internal static class LoraFactors
{
    public static float[] Read(SafeTensorsFile file, TensorInfo tensor)
    {
        if (!ElementTypes.TryGet(tensor.DType, out ElementType type))
        {
            throw new LoraException($"{file.Path}: '{tensor.Name}' is {tensor.DType}, not a floating dtype");
        }

        if (tensor.ElementCount > Array.MaxLength / 8)
        {
            throw new LoraException($"{file.Path}: '{tensor.Name}' has {tensor.ElementCount} elements, more than a LoRA factor can");
        }

        byte[] bytes = new byte[tensor.ByteLength];
        file.CopyTo(tensor, 0, bytes);
        float[] values = new float[tensor.ElementCount];
        ElementConvert.Widen(bytes, type, values);
        return values;
    }

    /// <summary>The module's alpha as binary32, or its rank when it has none (kohya: <c>alpha = dim</c>).</summary>
    public static float Alpha(SafeTensorsFile file, KohyaModule module)
    {
        if (module.Alpha is null)
        {
            return module.Rank;
        }

        return Scalar(file, module.Alpha);
    }

    /// <summary>A one-element tensor's value as binary32 (an <c>alpha</c>).</summary>
    public static float Scalar(SafeTensorsFile file, TensorInfo tensor)
    {
        if (tensor.ElementCount != 1)
        {
            throw new LoraException($"{file.Path}: '{tensor.Name}' should hold one value, it holds {tensor.ElementCount}");
        }

        return Read(file, tensor)[0];
    }
}
