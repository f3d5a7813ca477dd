using Xunit;
using Fast.Kernels.Filters;

namespace Fast.Kernels.Tests.Filters;

/// <summary>Bit-identity with scipy 1.10 (native-compat/reference/golden_filters.py), NaN and ±0 included.</summary>
[Trait("Isa", "Core")]
public sealed class GoldenFilterTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.GetFiles(GoldenFiles.Directory(), "filters_*.safetensors").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Fact]
    public void GoldensArePresent() => Assert.True(Files().Count >= 18);

    [Theory]
    [MemberData(nameof(Files))]
    public void MedianGaussianAndCompositeMatchScipy(string file)
    {
        var t = GoldenFiles.Read(Path.Combine(GoldenFiles.Directory(), file));
        var (shape, input) = t["input"];
        var median = new float[input.Length];
        var gaussian = new float[input.Length];
        var smooth = new float[input.Length];

        MedianFilter.Apply(input, median, shape);
        GaussianFilter.Apply(input, gaussian, shape);
        GaussianFilter.Apply(median, smooth, shape);

        BitAssert.Identical(t["median"].Data, median, $"{file} median");
        BitAssert.IdenticalUpToNaNPayload(t["gaussian"].Data, gaussian, $"{file} gaussian");
        BitAssert.IdenticalUpToNaNPayload(t["smooth"].Data, smooth, $"{file} gaussian(median)");
    }
}
