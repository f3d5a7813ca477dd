using Fast.Kernels.Simd;
using Xunit;

namespace Fast.Kernels.Tests.Isa;

/// <summary>
/// Which width the drivers pick. In a plain run it is whatever the machine offers; in the ISA matrix the child
/// process gets FAST_KERNELS_EXPECT_WIDTH and this proves the environment really forced that path.
/// </summary>
[Trait("Isa", "Core")]
public class SimdWidthTests
{
    [Fact]
    public void Driver_width_matches_what_the_environment_demands()
    {
        string? expected = Environment.GetEnvironmentVariable(IsaMatrixTests.ExpectWidthVariable);
        if (expected is null)
        {
            Assert.Contains(SimdWidth.Widest, new[] { 0, 128, 256, 512 });
            return;
        }

        Assert.Equal(int.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), SimdWidth.Widest);
    }
}
