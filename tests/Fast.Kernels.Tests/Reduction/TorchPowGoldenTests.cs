using System.Globalization;
using Fast.Kernels.Tests.Support;
using Xunit;

namespace Fast.Kernels.Tests.Reduction;

/// <summary>
/// <see cref="TorchPow"/> (and through it <see cref="SleefPowF"/>) against torch 1.13's <c>tensor ** γ</c>, bit for bit:
/// native-compat/reference/golden_extract.py raises 2061 values (uniforms in [0, 1], values near 0 and 1,
/// subnormals, specials) to 14 exponents, so both torch's SLEEF path and its scalar tail run.
/// </summary>
[Trait("Isa", "Core")]
public class TorchPowGoldenTests
{
    [Fact]
    public void Pow_matches_torch_for_every_exponent()
    {
        float[] bases = ExtractGolden.Floats("pow|base");
        int exponents = 0;
        foreach (string name in ExtractGolden.Names.Where(n => n.StartsWith("pow|", StringComparison.Ordinal) && n != "pow|base"))
        {
            double gamma = double.Parse(name[4..], CultureInfo.InvariantCulture);
            float[] actual = (float[])bases.Clone();
            TorchPow.PowInPlace(actual, gamma);
            Bits.AssertSame(ExtractGolden.Floats(name), actual, $"base ** {gamma}");
            exponents++;
        }

        Assert.Equal(14, exponents);
    }

    [Fact]
    public void Sleef_path_is_not_the_correctly_rounded_power()
    {
        // Guards the golden and the port: torch's vectorised pow differs from float(pow(double)) on some inputs.
        float[] bases = ExtractGolden.Floats("pow|base");
        float[] torch = ExtractGolden.Floats("pow|1.5");
        int differ = 0;
        for (int i = 0; i < bases.Length - (bases.Length % TorchPow.VectorStep); i++)
        {
            differ += Bits.SameF32(torch[i], (float)Math.Pow(bases[i], 1.5)) ? 0 : 1;
        }

        Assert.True(differ > 5, $"only {differ} values where SLEEF's pow differs from the correctly rounded one");
    }
}
