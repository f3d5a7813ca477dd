namespace Fast.Merging.Synthesis;

/// <summary>float → bfloat16 bits, round to nearest even; NaN stays a (quiet) NaN.</summary>
internal static class BFloat16Rounding
{
    public static ushort FromSingle(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x0040);
        }

        var roundingBias = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + roundingBias) >> 16);
    }
}
