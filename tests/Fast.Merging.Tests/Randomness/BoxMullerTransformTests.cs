using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Fast.Kernels;
using Fast.Merging.Randomness;

namespace Fast.Merging.Tests.Randomness;

/// <summary>
/// The table transform (<see cref="BoxMullerTransform"/>) on every pair of draws an F16 or BF16 block can hold — each
/// radius entry with each cosine and sine entry, the draws' unused high bits set at random — against the products
/// rounded by .NET's own conversion to Half (F16) or the bit rounding of <see cref="TorchRandn.Round"/> (BF16): the
/// gathered lanes, with F16 rounded in them, and the pair-by-pair path give those bits. That the table entries are
/// torch's is <see cref="TableDrawTests"/>'s.
/// </summary>
public class BoxMullerTransformTests
{
    public static TheoryData<ElementType, string> Paths()
    {
        var paths = new TheoryData<ElementType, string>(); // BoxMullerPath names: the enum is internal
        var supported = new List<BoxMullerPath> { BoxMullerPath.Scalar };
        if (Avx2.IsSupported)
        {
            supported.Add(BoxMullerPath.Gather256);
        }

        if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated)
        {
            supported.Add(BoxMullerPath.Staged512);
        }

        foreach (BoxMullerPath path in supported)
        {
            paths.Add(ElementType.F16, path.ToString());
            paths.Add(ElementType.BF16, path.ToString());
        }

        return paths;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Every_pair_of_table_entries_gives_the_rounded_product(ElementType type, string pathName)
    {
        BoxMullerPath path = Enum.Parse<BoxMullerPath>(pathName);
        BoxMullerTable table = BoxMullerTable.For(type);
        int entries = (int)table.Mask + 1;
        var random = new Random(5);
        var values = new float[entries * entries * 2];
        for (int radius = 0; radius < entries; radius++)
        {
            for (int angle = 0; angle < entries; angle++)
            {
                int pair = (radius * entries) + angle, block = pair / 8 * 16, lane = pair % 8;
                values[block + lane] = BitConverter.UInt32BitsToSingle((uint)radius | ((uint)random.Next() << 11));
                values[block + lane + 8] = BitConverter.UInt32BitsToSingle((uint)angle | ((uint)random.Next() << 11));
            }
        }

        BoxMullerTransform.FromTable(values, table, type, path);
        for (int radius = 0; radius < entries; radius++)
        {
            for (int angle = 0; angle < entries; angle++)
            {
                int pair = (radius * entries) + angle, block = pair / 8 * 16, lane = pair % 8;
                Check(Expected(table.Radius[radius] * table.Cos[angle], type), values[block + lane], type, radius, angle, "cos");
                Check(Expected(table.Radius[radius] * table.Sin[angle], type), values[block + lane + 8], type, radius, angle, "sin");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Every_length_of_whole_blocks_gives_the_pair_by_pair_bits(ElementType type, string pathName)
    {
        BoxMullerPath path = Enum.Parse<BoxMullerPath>(pathName);
        // Lengths around the staged path's 16-block batches (a last batch short of whole, one block, many).
        BoxMullerTable table = BoxMullerTable.For(type);
        var random = new Random(11);
        foreach (int blocks in new[] { 1, 2, 15, 16, 17, 31, 33, 256, 257 })
        {
            var draws = new float[blocks * 16];
            for (int i = 0; i < draws.Length; i++)
            {
                draws[i] = BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32));
            }

            float[] expected = (float[])draws.Clone(), actual = (float[])draws.Clone();
            BoxMullerTransform.FromTable(expected, table, type, BoxMullerPath.Scalar);
            BoxMullerTransform.FromTable(actual, table, type, path);
            for (int i = 0; i < draws.Length; i++)
            {
                if (BitConverter.SingleToUInt32Bits(expected[i]) != BitConverter.SingleToUInt32Bits(actual[i]))
                {
                    Assert.Fail($"{type} {path}, {blocks} blocks, element {i}: expected {expected[i]:R}, got {actual[i]:R}");
                }
            }
        }
    }

    [Fact]
    public void Half_rounding_in_lanes_equals_the_conversion_at_the_subnormal_edge_and_for_signed_zeros()
    {
        float[] samples =
        [
            0f, -0f, 1f / 16384, -1f / 16384, 6.1e-5f, -6.1e-5f, 5.96e-8f, -5.96e-8f, 2.98e-8f, -2.98e-8f, 2.99e-8f, 1e-9f, -1e-9f,
            1.5e-5f, -1.5e-5f, 3.9f, -3.9f, 1.00048828125f, 1.000732421875f, 65504f, -65504f,
        ];
        foreach (float x in samples)
        {
            float actual = BoxMullerTransform.RoundToHalf(Vector256.Create(x)).GetElement(0);
            Assert.Equal(BitConverter.SingleToUInt32Bits((float)(Half)x), BitConverter.SingleToUInt32Bits(actual));
            float wide = BoxMullerTransform.RoundToHalf(Vector512.Create(x)).GetElement(15);
            Assert.Equal(BitConverter.SingleToUInt32Bits((float)(Half)x), BitConverter.SingleToUInt32Bits(wide));
        }

        var random = new Random(3);
        for (int i = 0; i < 1_000_000; i++)
        {
            float x = (float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-30, 4)));
            float actual = BoxMullerTransform.RoundToHalf(Vector256.Create(x)).GetElement(0);
            Assert.True(BitConverter.SingleToUInt32Bits((float)(Half)x) == BitConverter.SingleToUInt32Bits(actual), $"{x:R}: {(float)(Half)x:R} expected, got {actual:R}");
            float wide = BoxMullerTransform.RoundToHalf(Vector512.Create(x)).GetElement(7);
            Assert.True(BitConverter.SingleToUInt32Bits((float)(Half)x) == BitConverter.SingleToUInt32Bits(wide), $"{x:R} in 512-bit lanes: {(float)(Half)x:R} expected, got {wide:R}");
        }
    }

    private static float Expected(float product, ElementType type) =>
        type == ElementType.F16 ? (float)(Half)(product + 0f) : TorchRandn.Round(product, type) + 0f;

    private static void Check(float expected, float actual, ElementType type, int radius, int angle, string part)
    {
        if (BitConverter.SingleToUInt32Bits(expected) != BitConverter.SingleToUInt32Bits(actual))
        {
            Assert.Fail($"{type} radius {radius} {part} {angle}: expected {expected:R}, got {actual:R}");
        }
    }
}
