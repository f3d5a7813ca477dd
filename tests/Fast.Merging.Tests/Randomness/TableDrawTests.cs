using Fast.Kernels;
using Fast.Merging.Randomness;

namespace Fast.Merging.Tests.Randomness;

/// <summary>
/// F16 and BF16 randn_like look their radius, cosine and sine up (<see cref="BoxMullerTable"/>) and draw their bits in
/// runs (<see cref="TorchMersenneTwister.Fill"/>): the same bits as calling every transcendental per element and drawing
/// one output at a time (<see cref="TorchRandn.FillPerElement"/>, the path whose values are checked against torch's
/// printout in <see cref="TorchRandnTests"/>). 200 000 F16 elements draw every one of the 2^11 uniforms in both roles
/// dozens of times, so each table entry is compared.
/// </summary>
public class TableDrawTests
{
    [Theory]
    [InlineData(ElementType.F16)]
    [InlineData(ElementType.BF16)]
    public void Table_draws_equal_per_element_draws(ElementType type)
    {
        foreach (uint seed in new uint[] { 0, 1, 42, 4294967295 })
        {
            var table = new TorchCpuGenerator(seed);
            var oracle = new TorchCpuGenerator(seed);
            foreach (int n in new[] { 16, 17, 3, 31, 32, 100, 1, 1000, 4097, 624, 625, 200_000 })
            {
                var actual = new float[n];
                var expected = new float[n];
                TorchRandn.Fill(table, type, actual);
                TorchRandn.FillPerElement(oracle, type, expected);
                for (int i = 0; i < n; i++)
                {
                    Assert.True(
                        BitConverter.SingleToUInt32Bits(expected[i]) == BitConverter.SingleToUInt32Bits(actual[i]),
                        $"{type} seed {seed} n {n} element {i}: expected {expected[i]:R}, got {actual[i]:R}");
                }
            }

            Assert.Equal(oracle.Engine.NextUInt32(), table.Engine.NextUInt32());
        }
    }

    [Fact]
    public void A_filled_run_is_the_next_outputs_one_at_a_time()
    {
        var runs = new TorchMersenneTwister(5489);
        var single = new TorchMersenneTwister(5489);
        foreach (int n in new[] { 1, 623, 624, 625, 1248, 3, 5000 })
        {
            var filled = new uint[n];
            runs.Fill(filled);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(single.NextUInt32(), filled[i]);
            }
        }
    }

    [Fact]
    public void The_twister_gives_the_reference_outputs_of_mt19937()
    {
        // The 10000th output of std::mt19937 default-seeded (5489), as the C++ standard requires of a conforming engine.
        var engine = new TorchMersenneTwister(5489);
        var outputs = new uint[10000];
        engine.Fill(outputs);
        Assert.Equal(4123659995u, outputs[9999]);
    }
}
