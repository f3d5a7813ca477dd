namespace Fast.Kernels.Gpu.Tests;

/// <summary>Deterministic inputs: IEEE special values first, then random values over many magnitudes.</summary>
internal static class TestValues
{
    public static readonly float[] Specials =
    [
        float.NaN, -float.NaN, BitConverter.UInt32BitsToSingle(0x7F80_0001), 0f, -0f, float.PositiveInfinity, float.NegativeInfinity,
        float.Epsilon, -float.Epsilon, BitConverter.UInt32BitsToSingle(0x0040_0000), BitConverter.UInt32BitsToSingle(0x807F_FFFF),
        1.17549435e-38f, -1.17549435e-38f, float.MaxValue, float.MinValue, 1f, -1f, 0.5f, -0.5f, 0.49999997f, 1.0000001f,
        65504f, 65519.996f, 65520f, -65520f, 6.1035156e-5f, 6.097555e-5f, 5.9604645e-8f, 2.9802322e-8f, 2.9802326e-8f, 8.940697e-8f,
        448f, 464f, 480f, -500f, 57344f, 61440f, 61439.996f, 1e6f, 0.001953125f, 0.0009765625f, 0.0029296875f, 1.5258789e-5f, 7.6293945e-6f,
        3.3895314e38f, 3.3961776e38f,
    ];

    /// <summary><paramref name="length"/> values: the specials (when <paramref name="withSpecials"/>) then seeded random ones.</summary>
    public static float[] Make(int length, int seed, bool withSpecials = true)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = withSpecials && i < Specials.Length && (i + seed) % 3 != 0
                ? Specials[(i + seed) % Specials.Length]
                : RandomValue(random);
        }

        return values;
    }

    public static float RandomValue(Random random)
    {
        double magnitude = Math.Pow(2, random.Next(-30, 20));
        return (float)((random.NextDouble() * 2 - 1) * magnitude);
    }

    /// <summary>Finite, moderately sized values (filters and reductions where infinities would swamp everything).</summary>
    public static float[] Finite(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2 - 1) * Math.Pow(2, random.Next(-8, 8)));
        }

        return values;
    }
}
