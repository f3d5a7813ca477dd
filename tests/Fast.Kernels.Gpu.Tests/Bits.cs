using Xunit;

namespace Fast.Kernels.Gpu.Tests;

/// <summary>Bit-for-bit comparison; any NaN matches any NaN (SPEC §2 leaves payloads unspecified).</summary>
internal static class Bits
{
    public static bool Same(float expected, float actual) =>
        float.IsNaN(expected) ? float.IsNaN(actual) : BitConverter.SingleToUInt32Bits(expected) == BitConverter.SingleToUInt32Bits(actual);

    public static void Equal(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (!Same(expected[i], actual[i]))
            {
                Assert.Fail($"{context}: element {i} expected {Describe(expected[i])} but got {Describe(actual[i])}");
            }
        }
    }

    public static string Describe(float value) => $"{value:R} (0x{BitConverter.SingleToUInt32Bits(value):X8})";
}
