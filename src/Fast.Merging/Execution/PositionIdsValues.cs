using System.Buffers.Binary;
using Fast.Kernels;
using Fast.Merging.Methods;
using Fast.Merging.Planning;
using Fast.SafeTensors;

namespace Fast.Merging.Execution;

/// <summary>
/// Position ids as f32 for policy merge (SPEC §7): integer or floating storage read exactly (ids are far below
/// 2^24), results stored back in A's dtype, to integers by truncation toward zero as torch's cast does.
/// </summary>
internal static class PositionIdsValues
{
    public static float[] Read(IInputReader reader, SafeTensorsFile file, TensorInfo tensor)
    {
        byte[] raw = new byte[tensor.ByteLength];
        reader.CopyTo(file, tensor, 0, raw);
        var values = new float[tensor.ElementCount];
        if (ElementTypes.TryGet(tensor.DType, out ElementType type))
        {
            ElementConvert.Widen(raw, type, values);
            return values;
        }

        for (int i = 0; i < values.Length; i++)
        {
            values[i] = tensor.DType switch
            {
                DType.I8 => (sbyte)raw[i],
                DType.U8 => raw[i],
                DType.I16 => BinaryPrimitives.ReadInt16LittleEndian(raw.AsSpan(i * 2)),
                DType.U16 => BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(i * 2)),
                DType.I32 => BinaryPrimitives.ReadInt32LittleEndian(raw.AsSpan(i * 4)),
                DType.U32 => BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(i * 4)),
                _ => BinaryPrimitives.ReadInt64LittleEndian(raw.AsSpan(i * 8)),
            };
        }

        return values;
    }

    public static byte[] Store(ReadOnlySpan<float> values, DType dtype)
    {
        if (ElementTypes.TryGet(dtype, out ElementType type))
        {
            byte[] stored = new byte[values.Length * ElementTypeInfo.SizeOf(type)];
            ElementConvert.Narrow(values, stored, type);
            return stored;
        }

        int size = DTypeInfo.BitSize(dtype) / 8;
        byte[] raw = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            // C#'s float-to-integer casts truncate toward zero like torch's; out-of-range values saturate.
            Span<byte> at = raw.AsSpan(i * size, size);
            switch (dtype)
            {
                case DType.I8: at[0] = (byte)(sbyte)values[i]; break;
                case DType.U8: at[0] = (byte)values[i]; break;
                case DType.I16: BinaryPrimitives.WriteInt16LittleEndian(at, (short)values[i]); break;
                case DType.U16: BinaryPrimitives.WriteUInt16LittleEndian(at, (ushort)values[i]); break;
                case DType.I32: BinaryPrimitives.WriteInt32LittleEndian(at, (int)values[i]); break;
                case DType.U32: BinaryPrimitives.WriteUInt32LittleEndian(at, (uint)values[i]); break;
                default: BinaryPrimitives.WriteInt64LittleEndian(at, (long)values[i]); break;
            }
        }

        return raw;
    }

    /// <summary>The mode's normal formula on f32 values (SPEC §3), in place into <paramref name="a"/>.</summary>
    public static void MergeNormal(PlannedTensor t, MergeMode mode, float[] a, float[] b, float[]? c)
    {
        MergeModeCatalog.Get(mode).F32(a, b, c, t.Alpha, t.Beta);
    }
}
