using Xunit;

namespace Fast.Kernels.Gpu.Tests;

/// <summary>
/// gaussian(median(x)) against scipy 1.10's <c>gaussian_filter(median_filter(x, size=3, mode='reflect'),
/// 1.0, mode='reflect')</c>, bits recorded from that run. Input: <c>x[i] = f32(((i·7919) mod 101 − 50) / 37)</c>
/// with <c>x[7] = x[3]</c> for a tie. Regenerate with the snippet in this file's comments.
/// </summary>
public sealed class ScipyGoldenTests
{
    // import numpy as np, scipy.ndimage as nd
    // x = np.array([((i*7919)%101-50)/37.0 for i in range(n)], dtype=np.float32); x[7] = x[3]
    // g = nd.gaussian_filter(nd.median_filter(x.reshape(shape), size=3, mode='reflect'), 1.0, mode='reflect')
    private static readonly uint[] s_rank3 =
    [
        0xBF293165, 0xBEC665E0, 0xBD8FBD37, 0x3E575BF2, 0x3EBD7EA1, 0xBF23BED3, 0xBEBBFB35, 0xBD43C32F, 0x3E738BBB, 0x3ED07983,
        0xBF194410, 0xBEAA6A26, 0xBC6C4D0F, 0x3E8D000E, 0x3EE915E6, 0xBF0ECC34, 0xBE973EBC, 0x3CB54DD3, 0x3E9F47C4, 0x3EFC10E8,
        0xBF1BF17A, 0xBEC21E25, 0xBD9D9FFD, 0x3E5B6307, 0x3ED302A1, 0xBF164C40, 0xBEB99076, 0xBD77E5D7, 0x3E717412, 0x3EE3C117,
        0xBF0CC55F, 0xBEAD07F5, 0xBD2422D5, 0x3E85428A, 0x3EF6CED7, 0xBF03C1AA, 0xBE9F7E6C, 0xBC8EFBE0, 0x3E90513D, 0x3F01B120,
        0xBF16A55E, 0xBECAB1FE, 0xBDCE729F, 0x3E57A904, 0x3EEC5E94, 0xBF0EC719, 0xBEBEBC96, 0xBDA382A0, 0x3E715B3C, 0x3EFE0FD4,
        0xBF037EC1, 0xBEAF7EE2, 0xBD669918, 0x3E86422F, 0x3F087CD4, 0xBEF43315, 0xBEA1C56F, 0xBD0E9BBE, 0x3E904E6B, 0x3F0DD72B,
    ];

    private static readonly uint[] s_rank4 =
    [
        0xBED084AF, 0xBE8F2EB0, 0xBE3877CA, 0xBEC6C4F3, 0xBEA18DE5, 0xBE83CAFB, 0xBEC0EDA1, 0xBEBCBAFE, 0xBEB5BAC8,
        0xBEA0BD3D, 0xBE5C1C70, 0xBE0F41FE, 0xBEA8876D, 0xBE7C7519, 0xBE3A0F21, 0xBEB8C2ED, 0xBE962706, 0xBE6FF3E5,
    ];

    public static TheoryData<string> Backends => TestBackends.Names;

    [Theory]
    [MemberData(nameof(Backends))]
    public void Median_then_gaussian_is_bit_identical_to_scipy(string backendName)
    {
        var backend = TestBackends.Get(backendName);
        foreach (var (shape, golden) in new[] { (new[] { 3, 4, 5 }, s_rank3), (new[] { 2, 1, 3, 3 }, s_rank4) })
        {
            var input = Enumerable.Range(0, golden.Length).Select(i => (float)((((i * 7919) % 101) - 50) / 37.0)).ToArray();
            input[7] = input[3];
            using var source = backend.Upload(input);
            using var median = backend.Allocate(input.Length);
            using var output = backend.Allocate(input.Length);
            backend.Median(source, shape, median);
            backend.Gaussian(median, shape, output);
            var actual = new float[input.Length];
            backend.Download(output, actual);
            Bits.Equal(golden.Select(BitConverter.UInt32BitsToSingle).ToArray(), actual, $"scipy [{string.Join(',', shape)}]");
        }
    }
}
