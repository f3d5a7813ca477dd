using System.Buffers.Binary;
using Fast.Kernels;
using Fast.SafeTensors;

namespace Fast.Merging.PositionIds;

/// <summary>Reads a position-ids tensor of a file as the text encoder would see it and checks it (SPEC §7); shared by the doctor and the merge summary.</summary>
internal static class PositionIdsFileCheck
{
    // Position ids are a few hundred values; anything far larger is not one and is not read whole.
    private const long MaxElements = 1 << 20;

    public static PositionIdsReport Check(SafeTensorsFile file, TensorInfo tensor)
    {
        string dtype = DTypeInfo.ToJsonName(tensor.DType);
        if (tensor.ElementCount > MaxElements || DTypeInfo.BitSize(tensor.DType) % 8 != 0)
        {
            return PositionIdsChecker.Check(dtype, tensor.Shape, [double.NaN]);
        }

        byte[] bytes = new byte[tensor.ByteLength];
        file.CopyTo(tensor, 0, bytes);
        return PositionIdsChecker.Check(dtype, tensor.Shape, Read(bytes, tensor.DType));
    }

    private static double[] Read(ReadOnlySpan<byte> bytes, DType dtype)
    {
        int size = DTypeInfo.BitSize(dtype) / 8;
        var values = new double[bytes.Length / size];
        if (dtype == DType.F64)
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(i * 8)..]);
            }
        }
        else if (ElementTypes.TryGet(dtype, out ElementType type))
        {
            var widened = new float[values.Length];
            ElementConvert.Widen(bytes, type, widened);
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = widened[i];
            }
        }
        else
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = ReadInteger(bytes.Slice(i * size, size), dtype);
            }
        }

        return values;
    }

    private static double ReadInteger(ReadOnlySpan<byte> e, DType dtype) => dtype switch
    {
        DType.BOOL or DType.U8 => e[0],
        DType.I8 => (sbyte)e[0],
        DType.I16 => BinaryPrimitives.ReadInt16LittleEndian(e),
        DType.U16 => BinaryPrimitives.ReadUInt16LittleEndian(e),
        DType.I32 => BinaryPrimitives.ReadInt32LittleEndian(e),
        DType.U32 => BinaryPrimitives.ReadUInt32LittleEndian(e),
        DType.I64 => BinaryPrimitives.ReadInt64LittleEndian(e),
        DType.U64 => BinaryPrimitives.ReadUInt64LittleEndian(e),

        // Complex and exotic float types are not position ids a text encoder could read.
        _ => double.NaN,
    };
}
