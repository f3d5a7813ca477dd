namespace Fast.Kernels.Tests.Support;

/// <summary>Deterministic inputs: random values of merge-like magnitude salted with special values.</summary>
internal static class TestData
{
    public static readonly float[] Specials =
    [
        float.NaN, -float.NaN, 0f, -0f, float.PositiveInfinity, float.NegativeInfinity,
        float.Epsilon, -float.Epsilon, 1e-40f, -3e-39f, float.MaxValue, float.MinValue,
        65504f, -65504f, 65520f, 6.1035156e-05f, 5.9604645e-08f, 2.9802322e-08f, 1f, -1f, 0.5f, 448f, 57344f,
        BitConverter.UInt32BitsToSingle(0x7F800001), // signalling NaN
    ];

    public static float[] Random(int length, int seed, bool withSpecials = true)
    {
        var rng = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((rng.NextDouble() - 0.5) * 0.2);
        }

        if (withSpecials)
        {
            for (int i = 0; i < length; i += 7)
            {
                values[i] = Specials[rng.Next(Specials.Length)];
            }
        }

        return values;
    }

    /// <summary>Random stored elements of <paramref name="type"/> (rounded from <see cref="Random"/>).</summary>
    public static byte[] Stored(int length, ElementType type, int seed)
    {
        var bytes = new byte[length * ElementTypeInfo.SizeOf(type)];
        ElementConvert.Narrow(Random(length, seed), bytes, type);
        return bytes;
    }
}
