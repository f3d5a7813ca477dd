using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Fast.Kernels.Filters;

/// <summary>Finds the values whose median is not decided by value alone: NaN and −0.</summary>
internal static class SpecialValues
{
    public static bool Any(ReadOnlySpan<float> values)
    {
        ReadOnlySpan<uint> bits = MemoryMarshal.Cast<float, uint>(values);
        int i = 0;
        var negativeZero = Vector256.Create(0x8000_0000u);
        var absMask = Vector256.Create(0x7FFF_FFFFu);
        var infinity = Vector256.Create(0x7F80_0000u);
        for (; i <= bits.Length - Vector256<uint>.Count; i += Vector256<uint>.Count)
        {
            var v = Vector256.Create(bits.Slice(i, Vector256<uint>.Count));
            var special = Vector256.Equals(v, negativeZero) | Vector256.GreaterThan(v & absMask, infinity);
            if (special != Vector256<uint>.Zero)
            {
                return true;
            }
        }

        for (; i < bits.Length; i++)
        {
            if (bits[i] == 0x8000_0000u || (bits[i] & 0x7FFF_FFFFu) > 0x7F80_0000u)
            {
                return true;
            }
        }

        return false;
    }
}
