using Xunit;
namespace Fast.Kernels.Tests.Filters;

internal static class BitAssert
{
    /// <summary>Equal bit patterns everywhere (so −0 ≠ +0 and NaN payloads count); reports the first difference.</summary>
    public static void Identical(float[] expected, float[] actual, string what) => Compare(expected, actual, what, anyNaN: false);

    /// <summary>
    /// As <see cref="Identical"/>, except that any NaN matches any NaN: SPEC §2 leaves the NaN payload open, and
    /// which NaN (sign) survives an x86 add of two NaNs depends on operand order the JIT may commute.
    /// </summary>
    public static void IdenticalUpToNaNPayload(float[] expected, float[] actual, string what) => Compare(expected, actual, what, anyNaN: true);

    private static void Compare(float[] expected, float[] actual, string what, bool anyNaN)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            uint e = BitConverter.SingleToUInt32Bits(expected[i]);
            uint a = BitConverter.SingleToUInt32Bits(actual[i]);
            if (e != a && !(anyNaN && float.IsNaN(expected[i]) && float.IsNaN(actual[i])))
            {
                Assert.Fail($"{what}: element {i} expected {expected[i]:R} (0x{e:X8}) but got {actual[i]:R} (0x{a:X8}).");
            }
        }
    }
}
