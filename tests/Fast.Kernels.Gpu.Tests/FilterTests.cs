using Xunit;

namespace Fast.Kernels.Gpu.Tests;

/// <summary>Median and gaussian against gather+sort and direct-formula oracles on small rank 1–4 shapes.</summary>
public sealed class FilterTests
{
    public static TheoryData<string> Backends => TestBackends.Names;

    public static readonly int[][] Shapes =
    [
        [1], [2], [3], [5], [9], [1, 1], [1, 5], [2, 3], [5, 3], [3, 2, 1], [2, 3, 5], [1, 2, 3, 5], [5, 3, 2, 1], [3, 3, 3, 3], [2, 1, 5, 3], [4, 6, 3, 3],
    ];

    [Theory]
    [MemberData(nameof(Backends))]
    public void Median_is_the_exact_middle_of_the_reflected_neighbourhood(string backendName)
    {
        var backend = TestBackends.Get(backendName);
        int seed = 0;
        foreach (var shape in Shapes)
        {
            int length = shape.Aggregate(1, (x, y) => x * y);

            // Small integers force many ties; special values check the NaN/±0 order; random values the rest.
            var random = new Random(seed++);
            var ties = Enumerable.Range(0, length).Select(_ => (float)random.Next(-2, 3)).ToArray();
            var specials = TestValues.Make(length, seed);
            foreach (var input in new[] { ties, specials, TestValues.Finite(length, seed + 100) })
            {
                var actual = Run(backend, input, shape, (b, s, sh, o) => b.Median(s, sh, o));
                Bits.Equal(ScalarOracle.Median(input, shape), actual, $"median [{string.Join(',', shape)}]");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Gaussian_matches_the_spec_formula(string backendName)
    {
        var backend = TestBackends.Get(backendName);
        int seed = 50;
        foreach (var shape in Shapes)
        {
            int length = shape.Aggregate(1, (x, y) => x * y);
            foreach (var input in new[] { TestValues.Finite(length, seed++), TestValues.Make(length, seed++) })
            {
                var actual = Run(backend, input, shape, (b, s, sh, o) => b.Gaussian(s, sh, o));
                Bits.Equal(ScalarOracle.Gaussian(input, shape), actual, $"gaussian [{string.Join(',', shape)}]");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void SmoothAdd_is_A_plus_alpha_times_gaussian_of_median_of_D(string backendName)
    {
        var backend = TestBackends.Get(backendName);
        int seed = 200;
        foreach (var shape in Shapes)
        {
            int length = shape.Aggregate(1, (x, y) => x * y);
            var a = TestValues.Finite(length, seed++);
            var b = TestValues.Finite(length, seed++);
            var c = TestValues.Finite(length, seed++);
            const float Alpha = 0.6f;
            var type = length % 2 == 0 ? GpuElementType.F16 : GpuElementType.BF16;
            var difference = b.Select((x, i) => ScalarOracle.RoundThrough(x - c[i], type)).ToArray();
            var filtered = ScalarOracle.Gaussian(ScalarOracle.Median(difference, shape), shape);
            var expected = a.Select((x, i) => x + (Alpha * filtered[i])).ToArray();

            using var ta = backend.Upload(a);
            using var tb = backend.Upload(b);
            using var tc = backend.Upload(c);
            using var output = backend.Allocate(length);
            backend.SmoothAdd(ta, tb, tc, type, Alpha, shape, output);
            var actual = new float[length];
            backend.Download(output, actual);
            Bits.Equal(expected, actual, $"smoothAdd [{string.Join(',', shape)}]");
        }
    }

    [Fact]
    public void Reflect_follows_scipy_for_axes_shorter_than_the_radius()
    {
        // scipy 'reflect' on a length-2 axis: … 1 0 | 0 1 | 1 0 0 1 …
        int[] expected = [0, 1, 1, 0, 0, 1, 1, 0, 0];
        Assert.Equal(expected, Enumerable.Range(-4, 9).Select(i => Kernels.FilterKernels.Reflect(i, 2)).ToArray());
        Assert.Equal(Enumerable.Repeat(0, 9), Enumerable.Range(-4, 9).Select(i => Kernels.FilterKernels.Reflect(i, 1)));
        for (int n = 1; n <= 6; n++)
        {
            for (int i = -20; i <= 20; i++)
            {
                Assert.Equal(ScalarOracle.Reflect(i, n), Kernels.FilterKernels.Reflect(i, n));
            }
        }
    }

    [Fact]
    public void Gaussian_taps_are_the_spec_bit_patterns()
    {
        string[] hex = ["0x1.9884a307594fbp-2", "0x1.ef8eb9ad499bap-3", "0x1.ba4b99d1799abp-5", "0x1.22724cb7eb269p-8", "0x1.18a9c4fd536c6p-13"];
        for (int j = 0; j <= 4; j++)
        {
            // Parse the C99 hex literal by hand: 1.<13 hex digits> · 2^exponent.
            string text = hex[j];
            long mantissa = Convert.ToInt64(text[4..17], 16);
            int exponent = int.Parse(text[18..], System.Globalization.CultureInfo.InvariantCulture);
            double expected = Math.ScaleB(1 + (mantissa / Math.Pow(2, 52)), exponent);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(Kernels.GaussianTaps.Tap(j)));
        }
    }

    [Fact]
    public void Filters_reject_bad_shapes_and_in_place_use()
    {
        var backend = TestBackends.Get("cpu");
        using var source = backend.Allocate(6);
        using var output = backend.Allocate(6);
        Assert.Throws<ArgumentException>(() => backend.Median(source, [2, 2], output));
        Assert.Throws<ArgumentException>(() => backend.Median(source, [1, 1, 1, 2, 3], output));
        Assert.Throws<ArgumentException>(() => backend.Gaussian(source, [6], source));
    }

    private static float[] Run(GpuMergeBackend backend, float[] input, int[] shape, Action<GpuMergeBackend, GpuTensor, int[], GpuTensor> filter)
    {
        using var source = backend.Upload(input);
        using var output = backend.Allocate(input.Length);
        filter(backend, source, shape, output);
        var result = new float[input.Length];
        backend.Download(output, result);
        return result;
    }
}
