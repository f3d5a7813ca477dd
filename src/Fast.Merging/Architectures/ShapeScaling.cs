namespace Fast.Merging.Architectures;

/// <summary>
/// The rule that shrinks a Stable Diffusion checkpoint by a factor N while keeping it self-consistent.
/// </summary>
/// <remarks>
/// Every width in SD1, SD2 and SDXL (channels, attention and MLP widths, embedding sizes, the 49408-token
/// vocabulary, concatenated skip widths such as 960 = 320 + 640) is a multiple of 64, and every other dimension is
/// structural: kernel sizes 1 and 3, the 3 RGB / 4 latent / 8 moments channels, 5, 8 and 9 input channels of
/// depth, pix2pix and inpainting UNets, and 77 tokens. Dividing exactly the multiples of 64 by N, with N a power of
/// two up to 64, therefore keeps every sum and product relation between tensors (skip concatenation, GEGLU's 2×,
/// in_proj's 3×) and leaves structural dimensions alone, so shapes still agree wherever they must.
/// </remarks>
public static class ShapeScaling
{
    /// <summary>The scales the rule supports: powers of two that divide 64.</summary>
    public static IReadOnlyList<int> SupportedScales { get; } = [1, 2, 4, 8, 16, 32, 64];

    /// <summary>True when <paramref name="scale"/> is one of <see cref="SupportedScales"/>.</summary>
    public static bool IsSupportedScale(int scale) => scale is >= 1 and <= 64 && (scale & (scale - 1)) == 0;

    /// <summary>Scales one dimension: multiples of 64 are divided by <paramref name="scale"/>, others are kept.</summary>
    public static long ScaleDimension(long dimension, int scale)
    {
        if (!IsSupportedScale(scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "Scale must be a power of two from 1 to 64.");
        }

        return dimension > 0 && dimension % 64 == 0 ? dimension / scale : dimension;
    }

    /// <summary>Scales every dimension of a shape.</summary>
    public static long[] ScaleShape(IReadOnlyList<long> shape, int scale)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var result = new long[shape.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = ScaleDimension(shape[i], scale);
        }

        return result;
    }

    /// <summary>
    /// True when <paramref name="actual"/> is <paramref name="expected"/> at <paramref name="scale"/>; an expected
    /// dimension of <see cref="ComponentTensor.AnySize"/> matches any size.
    /// </summary>
    public static bool Matches(IReadOnlyList<long> expected, IReadOnlyList<long> actual, int scale)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        if (expected.Count != actual.Count)
        {
            return false;
        }

        for (var i = 0; i < expected.Count; i++)
        {
            if (expected[i] != ComponentTensor.AnySize && ScaleDimension(expected[i], scale) != actual[i])
            {
                return false;
            }
        }

        return true;
    }
}
