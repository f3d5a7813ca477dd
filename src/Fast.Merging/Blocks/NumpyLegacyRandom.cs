namespace Fast.Merging.Blocks;

/// <summary>
/// numpy's legacy <c>RandomState</c> as supermerger c60e6f3 uses it for random block weights:
/// <c>np.random.seed(seed)</c> (an integer seed: MT19937's <c>init_genrand</c>) then <c>np.random.rand(n)</c>
/// (<c>random_sample</c>: two 32-bit outputs a, b → ((a &gt;&gt; 5)·2^26 + (b &gt;&gt; 6)) / 2^53), so the same seed
/// gives the same doubles.
/// </summary>
public sealed class NumpyLegacyRandom
{
    private const int StateLength = 624;
    private const int Shift = 397;
    private readonly uint[] _state = new uint[StateLength];
    private int _position;

    /// <summary>The generator after <c>np.random.seed(<paramref name="seed"/>)</c>.</summary>
    public NumpyLegacyRandom(uint seed)
    {
        _state[0] = seed;
        for (int i = 1; i < StateLength; i++)
        {
            uint previous = _state[i - 1];
            _state[i] = unchecked((1812433253u * (previous ^ (previous >> 30))) + (uint)i);
        }

        _position = StateLength;
    }

    /// <summary><c>np.random.rand()</c>: the next double in [0, 1), 53 random bits.</summary>
    public double NextDouble()
    {
        uint a = NextUInt32() >> 5;
        uint b = NextUInt32() >> 6;
        return ((a * 67108864.0) + b) / 9007199254740992.0;
    }

    /// <summary><c>np.random.rand(<paramref name="count"/>)</c>.</summary>
    public double[] NextDoubles(int count)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = NextDouble();
        }

        return values;
    }

    /// <summary>MT19937's next tempered 32-bit output.</summary>
    public uint NextUInt32()
    {
        if (_position >= StateLength)
        {
            Generate();
        }

        uint y = _state[_position++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    private void Generate()
    {
        for (int i = 0; i < StateLength; i++)
        {
            uint y = (_state[i] & 0x80000000u) | (_state[(i + 1) % StateLength] & 0x7fffffffu);
            _state[i] = _state[(i + Shift) % StateLength] ^ (y >> 1) ^ ((y & 1u) != 0 ? 0x9908b0dfu : 0u);
        }

        _position = 0;
    }
}
