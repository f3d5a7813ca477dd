namespace Fast.Kernels.Tests.Support;

/// <summary>Bit-level comparison helpers: NaN payloads are unspecified (SPEC §2), every other bit must match.</summary>
internal static class Bits
{
    public static bool SameF32(float expected, float actual) =>
        (float.IsNaN(expected) && float.IsNaN(actual)) || BitConverter.SingleToUInt32Bits(expected) == BitConverter.SingleToUInt32Bits(actual);

    public static void AssertSame(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string context)
    {
        Xunit.Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (!SameF32(expected[i], actual[i]))
            {
                Xunit.Assert.Fail($"{context}: element {i} of {expected.Length}: expected {expected[i]:R} (0x{BitConverter.SingleToUInt32Bits(expected[i]):X8}), got {actual[i]:R} (0x{BitConverter.SingleToUInt32Bits(actual[i]):X8})");
            }
        }
    }

    /// <summary>Compares stored elements after widening, so only NaN payloads may differ.</summary>
    public static void AssertSameStored(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, ElementType type, string context)
    {
        Xunit.Assert.Equal(expected.Length, actual.Length);
        int n = expected.Length / ElementTypeInfo.SizeOf(type);
        var e = new float[n];
        var a = new float[n];
        ElementConvert.Widen(expected, type, e);
        ElementConvert.Widen(actual, type, a);
        AssertSame(e, a, context);
    }
}
