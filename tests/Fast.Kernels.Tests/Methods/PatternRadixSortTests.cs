using Fast.Kernels.Methods;
using Xunit;

namespace Fast.Kernels.Tests.Methods;

/// <summary>
/// <see cref="PatternRadixSort"/> against <see cref="Array.Sort(Array)"/> (an unrelated comparison sort) on every kind
/// of pattern the bracket's sample holds — magnitudes of NaN, ±∞, −0, subnormals and normals — and on full 32-bit
/// patterns, all-equal and few-distinct runs (passes skipped), lengths around the 256-bucket size, and a buffer longer
/// than the values.
/// </summary>
[Trait("Isa", "Core")]
public class PatternRadixSortTests
{
    public static TheoryData<int> Lengths => [0, 1, 2, 3, 15, 255, 256, 257, 2047, 2048, 4517, 16384];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SortsMagnitudePatternsAsArraySort(int n)
    {
        var random = new Random(n + 7);
        float[] specials = [float.NaN, -float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, 0f, float.Epsilon, -float.Epsilon, 1e-40f, float.MaxValue, 1f];
        uint[] values = new uint[n];
        for (int i = 0; i < n; i++)
        {
            float x = random.Next(8) == 0 ? specials[random.Next(specials.Length)] : (float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-30, 30)));
            values[i] = BitConverter.SingleToUInt32Bits(x) & 0x7FFF_FFFF;
        }

        AssertSortsAsArraySort(values, extraBuffer: 0);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SortsFullPatternsAsArraySort(int n)
    {
        var random = new Random(n + 11);
        uint[] values = new uint[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = (uint)random.NextInt64(0, 1L << 32);
        }

        AssertSortsAsArraySort(values, extraBuffer: 5);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SortsFewDistinctPatternsAsArraySort(int n)
    {
        var random = new Random(n + 13);
        uint[] choices = [0x3F80_0000, 0x3F80_0001, 0x0000_0000, 0x7FC0_0000, 0x3F81_0000];
        uint[] values = new uint[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = choices[random.Next(choices.Length)];
        }

        AssertSortsAsArraySort(values, extraBuffer: 1);
        AssertSortsAsArraySort([.. Enumerable.Repeat(0x4000_0000u, n)], extraBuffer: 0);
        AssertSortsAsArraySort([.. Enumerable.Range(0, n).Select(i => (uint)(n - i) << 24)], extraBuffer: 0);
    }

    [Fact]
    public void RejectsAShortBuffer() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PatternRadixSort.Sort(new uint[4], new uint[3]));

    private static void AssertSortsAsArraySort(uint[] values, int extraBuffer)
    {
        uint[] expected = [.. values];
        Array.Sort(expected);
        uint[] buffer = new uint[values.Length + extraBuffer];
        PatternRadixSort.Sort(values, buffer);
        Assert.Equal(expected, values);
    }
}
