using Fast.Merging.Randomness;

namespace Fast.Merging.Tests.Randomness;

/// <summary>
/// <see cref="TorchMersenneTwister"/>'s vector twists (512-bit with no scalar words, or 512/256-bit loops and scalar
/// words, whichever this CPU and its DOTNET_EnableAVX512F / EnableAVX2 settings pick) against MT19937 written as its
/// definition, one word at a time with indices modulo 624, over many twists and seeds whose words set every bit.
/// </summary>
public class MersenneTwisterRecurrenceTests
{
    [Theory]
    [InlineData(0u)]
    [InlineData(1u)]
    [InlineData(5489u)]
    [InlineData(0xffffffffu)]
    [InlineData(0x9e3779b9u)]
    public void Filled_outputs_equal_the_recurrence_word_by_word(uint seed)
    {
        const int Twists = 40;
        var engine = new TorchMersenneTwister(seed);
        var filled = new uint[624 * Twists];
        engine.Fill(filled);
        uint[] expected = Definition(seed, filled.Length);
        for (int i = 0; i < filled.Length; i++)
        {
            if (filled[i] != expected[i])
            {
                Assert.Fail($"seed {seed}, output {i} (twist {i / 624}, word {i % 624}): expected {expected[i]}, got {filled[i]}");
            }
        }
    }

    [Fact]
    public void Skipping_twists_lands_on_the_recurrences_output()
    {
        var engine = new TorchMersenneTwister(7);
        engine.Skip((624 * 25) + 100);
        uint[] expected = Definition(7, (624 * 25) + 101);
        Assert.Equal(expected[^1], engine.NextUInt32());
    }

    /// <summary>Matsumoto and Nishimura's genrand_int32, outputs 0..count-1 after init_genrand(seed).</summary>
    private static uint[] Definition(uint seed, int count)
    {
        const int N = 624, M = 397;
        var mt = new uint[N];
        mt[0] = seed;
        for (int i = 1; i < N; i++)
        {
            mt[i] = unchecked((1812433253u * (mt[i - 1] ^ (mt[i - 1] >> 30))) + (uint)i);
        }

        var outputs = new uint[count];
        int index = N;
        for (int k = 0; k < count; k++)
        {
            if (index == N)
            {
                for (int i = 0; i < N; i++)
                {
                    uint y = (mt[i] & 0x80000000u) | (mt[(i + 1) % N] & 0x7fffffffu);
                    mt[i] = mt[(i + M) % N] ^ (y >> 1) ^ ((y & 1u) == 0 ? 0u : 0x9908b0dfu);
                }

                index = 0;
            }

            uint t = mt[index++];
            t ^= t >> 11;
            t ^= (t << 7) & 0x9d2c5680u;
            t ^= (t << 15) & 0xefc60000u;
            t ^= t >> 18;
            outputs[k] = t;
        }

        return outputs;
    }
}
