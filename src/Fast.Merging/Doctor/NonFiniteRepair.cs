using System.Buffers.Binary;
using Fast.SafeTensors;

namespace Fast.Merging.Doctor;

/// <summary>
/// <c>torch.nan_to_num</c> on stored elements, in their own format: NaN becomes +0, +Inf the largest finite value
/// of the dtype and −Inf the lowest. Works on bit patterns, so every other element keeps its exact bits.
/// </summary>
internal static class NonFiniteRepair
{
    /// <summary>Repairs <paramref name="data"/> in place; returns the number of elements changed.</summary>
    public static long Apply(Span<byte> data, DType dtype)
    {
        // Healthy data is the norm: the SIMD count decides whether the element loop runs at all.
        if (!NonFiniteScanner.CanScan(dtype) || !NonFiniteScanner.Count(data, dtype).Any)
        {
            return 0;
        }

        return dtype switch
        {
            DType.F16 => Apply16(data, 0x7C00, 0x7BFF),
            DType.BF16 => Apply16(data, 0x7F80, 0x7F7F),
            DType.F32 => Apply32(data),
            DType.F64 => Apply64(data),
            DType.F8_E5M2 => Apply8(data, 0x7C, 0x7B),

            // e4m3fn has no infinities: its only special pattern is NaN.
            DType.F8_E4M3 => Apply8(data, 0x7F, 0x7F),
            _ => 0,
        };
    }

    private static long Apply16(Span<byte> data, ushort exponent, ushort maxFinite)
    {
        long changed = 0;
        for (int i = 0; i + 2 <= data.Length; i += 2)
        {
            ushort bits = BinaryPrimitives.ReadUInt16LittleEndian(data[i..]);
            ushort magnitude = (ushort)(bits & 0x7FFF);
            if (magnitude >= exponent)
            {
                ushort sign = (ushort)(bits & 0x8000);
                BinaryPrimitives.WriteUInt16LittleEndian(data[i..], magnitude > exponent ? (ushort)0 : (ushort)(sign | maxFinite));
                changed++;
            }
        }

        return changed;
    }

    private static long Apply32(Span<byte> data)
    {
        long changed = 0;
        for (int i = 0; i + 4 <= data.Length; i += 4)
        {
            uint bits = BinaryPrimitives.ReadUInt32LittleEndian(data[i..]);
            uint magnitude = bits & 0x7FFF_FFFF;
            if (magnitude >= 0x7F80_0000)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(data[i..], magnitude > 0x7F80_0000 ? 0 : (bits & 0x8000_0000) | 0x7F7F_FFFF);
                changed++;
            }
        }

        return changed;
    }

    private static long Apply64(Span<byte> data)
    {
        long changed = 0;
        for (int i = 0; i + 8 <= data.Length; i += 8)
        {
            ulong bits = BinaryPrimitives.ReadUInt64LittleEndian(data[i..]);
            ulong magnitude = bits & 0x7FFF_FFFF_FFFF_FFFF;
            if (magnitude >= 0x7FF0_0000_0000_0000)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(data[i..], magnitude > 0x7FF0_0000_0000_0000 ? 0 : (bits & 0x8000_0000_0000_0000) | 0x7FEF_FFFF_FFFF_FFFF);
                changed++;
            }
        }

        return changed;
    }

    private static long Apply8(Span<byte> data, byte special, byte maxFinite)
    {
        long changed = 0;
        for (int i = 0; i < data.Length; i++)
        {
            int magnitude = data[i] & 0x7F;
            if (magnitude >= special)
            {
                // For e4m3fn `special` is the NaN pattern itself, so there is no infinity branch.
                bool isNaN = magnitude > special || special == 0x7F;
                data[i] = isNaN ? (byte)0 : (byte)((data[i] & 0x80) | maxFinite);
                changed++;
            }
        }

        return changed;
    }
}
