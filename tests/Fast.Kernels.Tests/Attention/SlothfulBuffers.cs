using Fast.Kernels;

namespace Fast.Kernels.Tests.Attention;

/// <summary>float ↔ stored bytes for the three pooling formats.</summary>
internal static class SlothfulBuffers
{
    public static byte[] Store(ElementType type, float[] values)
    {
        int size = ElementTypeInfo.SizeOf(type);
        var bytes = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            switch (type)
            {
                case ElementType.F32:
                    BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), values[i]);
                    break;
                case ElementType.F16:
                    BitConverter.TryWriteBytes(bytes.AsSpan(i * 2), BitConverter.HalfToUInt16Bits((Half)values[i]));
                    break;
                default:
                    BitConverter.TryWriteBytes(bytes.AsSpan(i * 2), (ushort)(BitConverter.SingleToUInt32Bits(SlothfulScalarReference.BF16(values[i])) >> 16));
                    break;
            }
        }

        return bytes;
    }

    public static float[] Load(ElementType type, byte[] bytes)
    {
        int size = ElementTypeInfo.SizeOf(type);
        var values = new float[bytes.Length / size];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = type switch
            {
                ElementType.F32 => BitConverter.ToSingle(bytes, i * 4),
                ElementType.F16 => (float)BitConverter.UInt16BitsToHalf(BitConverter.ToUInt16(bytes, i * 2)),
                _ => BitConverter.UInt32BitsToSingle((uint)BitConverter.ToUInt16(bytes, i * 2) << 16),
            };
        }

        return values;
    }

    /// <summary>randn·exp(0.75·randn)-like values (wide magnitudes, as the golden inputs), rounded to the type.</summary>
    public static float[] Random(ElementType type, int count, int seed)
    {
        var rng = new Random(seed);
        var x = new float[count];
        for (int i = 0; i < count; i++)
        {
            double g = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            x[i] = SlothfulScalarReference.Round(type, (float)(g * Math.Exp(0.75 * ((rng.NextDouble() * 4) - 2))));
        }

        return x;
    }
}
